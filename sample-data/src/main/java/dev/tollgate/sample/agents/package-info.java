/** Scripted agents: MCP clients that replay the demo's conversation transcripts through Tollgate (or straight to the servers). */
package dev.tollgate.sample.agents;

/** The demo's MCP servers (crm, payments, tickets, calendar) built on the MCP Java SDK, over stdio and Streamable HTTP. */
package dev.tollgate.sample.servers;

/** The {@code tollgate demo} run: sample servers, Tollgate over them, the scripted agents, and what happened. */
package dev.tollgate.sample.demo;

package dev.tollgate.identity.oauth;

/** The pair a per-user token belongs to; a token is never used for another user or another server. */
public record TokenBinding(String user, String server) {}

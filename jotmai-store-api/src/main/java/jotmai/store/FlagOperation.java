package jotmai.store;

/** How STORE changes flags (RFC 9051 §6.4.6): FLAGS, +FLAGS, -FLAGS. */
public enum FlagOperation { REPLACE, ADD, REMOVE }

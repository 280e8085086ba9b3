package jotmai.store;

/**
 * Names the stored bytes of a message. Copies and multi-recipient deliveries may share one blob; a blob
 * stays readable while any message references it.
 */
public record BlobRef(String id) {}

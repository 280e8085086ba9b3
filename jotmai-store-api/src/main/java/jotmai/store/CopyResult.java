package jotmai.store;

import java.util.List;

/**
 * Result of COPY/MOVE (RFC 4315 COPYUID): the destination's UIDVALIDITY and, in source UID order,
 * each source UID with the UID its copy got.
 */
public record CopyResult(long destinationUidValidity, List<UidMapping> mappings) {

    public record UidMapping(long sourceUid, long destinationUid) {}
}

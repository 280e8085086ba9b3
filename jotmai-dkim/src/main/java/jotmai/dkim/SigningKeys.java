package jotmai.dkim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The signing keys of each domain ({@link DkimKeys#keysFor}), parsed once and kept until a key file of
 * the domain changes.
 *
 * <p>Why: reading and decoding the PEM files for every outbound message cost more than the Ed25519
 * signature itself. Freshness: each call lists the domain's key directory and compares every file's
 * name, size and modification time with what was parsed; a new, replaced ({@code jotmai dkim generate}
 * writes a temporary file and renames it) or removed key is therefore used from the next message on,
 * without a restart. Bounded: at most {@link #MAX_DOMAINS} domains are kept; beyond that the cache is
 * emptied and refills with the domains in use.
 */
public final class SigningKeys {

    /** Domains whose parsed keys are kept at once. */
    public static final int MAX_DOMAINS = 10_000;

    /** One key file as seen on disk; any difference means "parse again". */
    private record Stamp(String name, long size, long modifiedNanos) {}

    private record Entry(List<Stamp> stamps, List<DkimKeys.SigningKey> keys) {}

    private final Path dataDir;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    public SigningKeys(Path dataDir) {
        this.dataDir = dataDir;
    }

    /** Every key stored for the domain, in selector order; empty when none (see the class notes). */
    public List<DkimKeys.SigningKey> forDomain(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        Path dir;
        try {
            dir = DkimKeys.dir(dataDir, d);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
        List<Stamp> stamps = stamps(dir);
        if (stamps.isEmpty()) {
            cache.remove(d);
            return List.of();
        }
        Entry e = cache.get(d);
        if (e != null && e.stamps().equals(stamps)) {
            return e.keys();
        }
        List<DkimKeys.SigningKey> keys = List.copyOf(DkimKeys.keysFor(dataDir, d));
        // Stamps taken before the parse: a file replaced during it is parsed again next time.
        if (cache.size() >= MAX_DOMAINS) {
            cache.clear();
        }
        cache.put(d, new Entry(stamps, keys));
        return keys;
    }

    private static List<Stamp> stamps(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Stamp> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".pem")).sorted().toList()) {
                try {
                    BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                    out.add(new Stamp(f.getFileName().toString(), a.size(),
                            a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS)));
                } catch (NoSuchFileException gone) {
                    // removed between listing and stat: not a key any more
                }
            }
        } catch (NoSuchFileException gone) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}

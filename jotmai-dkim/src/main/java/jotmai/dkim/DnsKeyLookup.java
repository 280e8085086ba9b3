package jotmai.dkim;

import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** TXT lookups through dnsjava against the configured resolver (or the system's), with its own cache. */
public final class DnsKeyLookup implements KeyLookup {

    /** One query may take this long before the lookup counts as a temporary failure. */
    static final Duration QUERY_TIMEOUT = Duration.ofSeconds(10);

    private final SimpleResolver resolver;
    private final Cache cache = new Cache(DClass.IN);

    public DnsKeyLookup(Optional<InetSocketAddress> server) {
        try {
            resolver = server.isPresent() ? new SimpleResolver(server.get()) : new SimpleResolver();
            resolver.setTimeout(QUERY_TIMEOUT);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("no DNS resolver available: " + e.getMessage(), e);
        }
    }

    @Override
    public Answer txt(String name) {
        try {
            Lookup l = new Lookup(name.endsWith(".") ? name : name + ".", Type.TXT);
            l.setResolver(resolver);
            l.setCache(cache);
            l.setSearchPath(List.of());
            Record[] records = l.run();
            return switch (l.getResult()) {
                case Lookup.SUCCESSFUL -> {
                    List<String> out = new ArrayList<>();
                    for (Record r : records) {
                        if (r instanceof TXTRecord t) {
                            out.add(String.join("", t.getStrings()));
                        }
                    }
                    yield out.isEmpty() ? new Answer.NotFound() : new Answer.Found(out);
                }
                case Lookup.HOST_NOT_FOUND, Lookup.TYPE_NOT_FOUND -> new Answer.NotFound();
                default -> new Answer.TempFail(l.getErrorString());
            };
        } catch (TextParseException e) {
            return new Answer.NotFound();
        }
    }
}

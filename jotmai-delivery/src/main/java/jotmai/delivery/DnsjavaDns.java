package jotmai.delivery;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * DNS through dnsjava, against the configured resolver (or the system's), with a cache of its own so
 * that differently configured services in one JVM (tests) do not share answers.
 */
final class DnsjavaDns implements Dns {

    /** One DNS query may take this long before the lookup counts as a temporary failure. */
    static final Duration QUERY_TIMEOUT = Duration.ofSeconds(10);

    private final Resolver resolver;
    private final Cache cache = new Cache(DClass.IN);

    DnsjavaDns(Optional<InetSocketAddress> server) {
        try {
            SimpleResolver r = server.isPresent() ? new SimpleResolver(server.get()) : new SimpleResolver();
            r.setTimeout(QUERY_TIMEOUT);
            this.resolver = r;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("no DNS resolver available: " + e.getMessage(), e);
        }
    }

    private Lookup lookup(String name, int type) throws TextParseException {
        Lookup l = new Lookup(name.endsWith(".") ? name : name + ".", type);
        l.setResolver(resolver);
        l.setCache(cache);
        l.setSearchPath(List.of());
        return l;
    }

    @Override
    public MxAnswer mx(String domain) {
        try {
            Lookup l = lookup(domain, Type.MX);
            Record[] records = l.run();
            return switch (l.getResult()) {
                case Lookup.SUCCESSFUL -> {
                    List<Mx> mx = new ArrayList<>();
                    for (Record r : records) {
                        if (r instanceof MXRecord m) {
                            mx.add(new Mx(m.getPriority(), strip(m.getTarget().toString())));
                        }
                    }
                    yield mx.isEmpty() ? new MxAnswer.NoData() : new MxAnswer.Found(mx);
                }
                case Lookup.TYPE_NOT_FOUND -> new MxAnswer.NoData();
                case Lookup.HOST_NOT_FOUND -> new MxAnswer.NoDomain();
                default -> new MxAnswer.TryAgain("MX lookup for " + domain + ": " + l.getErrorString());
            };
        } catch (TextParseException e) {
            return new MxAnswer.NoDomain();
        }
    }

    @Override
    public List<InetAddress> addresses(String host) throws TempFail {
        List<InetAddress> out = new ArrayList<>();
        for (int type : new int[] {Type.AAAA, Type.A}) {
            try {
                Lookup l = lookup(host, type);
                Record[] records = l.run();
                switch (l.getResult()) {
                    case Lookup.SUCCESSFUL -> {
                        for (Record r : records) {
                            if (r instanceof AAAARecord a) {
                                out.add(a.getAddress());
                            } else if (r instanceof ARecord a) {
                                out.add(a.getAddress());
                            }
                        }
                    }
                    case Lookup.TYPE_NOT_FOUND, Lookup.HOST_NOT_FOUND -> { }
                    default -> {
                        if (out.isEmpty() && type == Type.A) {
                            throw new TempFail("address lookup for " + host + ": " + l.getErrorString());
                        }
                    }
                }
            } catch (TextParseException e) {
                return List.of();
            }
        }
        return out;
    }

    private static String strip(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}

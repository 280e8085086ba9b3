package jotmai.delivery;

import java.net.InetAddress;
import java.util.List;

/** The DNS questions routing asks; {@link DnsjavaDns} answers them, tests may answer them directly. */
interface Dns {

    /** An MX record: preference and exchange host (without the trailing dot). */
    record Mx(int preference, String host) {}

    /** What an MX query found. NoData = the name exists without MX records; NoDomain = NXDOMAIN. */
    sealed interface MxAnswer {
        record Found(List<Mx> records) implements MxAnswer {}
        record NoData() implements MxAnswer {}
        record NoDomain() implements MxAnswer {}
        record TryAgain(String reason) implements MxAnswer {}
    }

    MxAnswer mx(String domain);

    /** AAAA and A addresses of a host (IPv6 first), empty when there are none; TempFail on server failure. */
    List<InetAddress> addresses(String host) throws TempFail;

    final class TempFail extends Exception {
        TempFail(String message) {
            super(message);
        }
    }
}

package jotmai.smtp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** A set of CIDR blocks (the trusted networks of the relay policy). */
final class Networks {
    private final List<Block> blocks;

    private record Block(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    Networks(List<String> cidrs) {
        this.blocks = cidrs.stream().map(Networks::parse).toList();
    }

    boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        return blocks.stream().anyMatch(b -> b.contains(a));
    }

    /** Parses "192.0.2.0/24", "::1/128" or a single address; literals only, never a DNS lookup. */
    static Block parse(String cidr) {
        int slash = cidr.indexOf('/');
        String host = slash < 0 ? cidr : cidr.substring(0, slash);
        if (host.isEmpty() || !host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            throw new IllegalArgumentException("not an IP network: " + cidr);
        }
        try {
            byte[] network = InetAddress.getByName(host).getAddress();
            int prefix = slash < 0 ? network.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
            if (prefix < 0 || prefix > network.length * 8) {
                throw new IllegalArgumentException("bad prefix length: " + cidr);
            }
            return new Block(network, prefix);
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException("not an IP network: " + cidr, e);
        }
    }
}

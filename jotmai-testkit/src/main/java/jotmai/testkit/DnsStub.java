package jotmai.testkit;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Tests only: a tiny authoritative DNS server on 127.0.0.1 (UDP) answering from a map of records, so
 * that MX, SPF, DKIM and DMARC lookups run through a real resolver without the network. Names with no
 * record of any type get NXDOMAIN; names with records of other types get NOERROR and no answer (RFC 2308
 * §2.2 NODATA). Packets that do not parse are dropped, as a server would.
 */
public final class DnsStub implements AutoCloseable {

    /** Largest query read; queries are a few dozen bytes. */
    private static final int MAX_PACKET = 4096;

    private final DatagramSocket socket;
    private final Map<Name, List<Record>> records = new ConcurrentHashMap<>();

    public DnsStub() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofVirtual().name("dns-stub").start(this::serve);
    }

    /** Where resolvers under test send their queries. */
    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
    }

    public void add(Record r) {
        records.computeIfAbsent(r.getName(), n -> new CopyOnWriteArrayList<>()).add(r);
    }

    private void serve() {
        byte[] buf = new byte[MAX_PACKET];
        while (!socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                byte[] out = answer(new Message(Arrays.copyOf(p.getData(), p.getLength())));
                socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private byte[] answer(Message q) {
        Record question = q.getQuestion();
        Message r = new Message(q.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.AA);
        r.addRecord(question, Section.QUESTION);
        List<Record> all = records.get(question.getName());
        if (all == null) {
            r.getHeader().setRcode(Rcode.NXDOMAIN);
        } else {
            for (Record rec : all) {
                if (rec.getType() == question.getType() && rec.getDClass() == DClass.IN) {
                    r.addRecord(rec, Section.ANSWER);
                }
            }
        }
        return r.toWire();
    }

    @Override
    public void close() {
        socket.close();
    }
}

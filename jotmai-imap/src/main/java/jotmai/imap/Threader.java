package jotmai.imap;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The RFC 5256 §3 threading algorithms, pure (no store, no wire): ORDEREDSUBJECT and REFERENCES.
 * Trees are walked iteratively where chains can be long (a reply chain of thousands of messages must
 * not overflow the stack); {@link #format} recurses only at branch points.
 */
final class Threader {
    /**
     * One message to thread. number: what the response shows (sequence number or UID); order: its
     * sequence number, the final tie-breaker (RFC 5256 §2.2).
     */
    record Message(long number, int order, String messageId, List<String> references, BaseSubject subject,
                   Instant sentDate) {}

    /** A node of the result: a message, or a dummy (message null) holding children together. */
    static final class Node {
        Message message;
        Node parent;
        final List<Node> children = new ArrayList<>();

        boolean dummy() {
            return message == null;
        }

        /** The message that dates and names a dummy: its first child's (after sorting). */
        Message representative() {
            Node n = this;
            for (int i = 0; n.message == null && !n.children.isEmpty() && i < 1_000_000; i++) {
                n = n.children.get(0);
            }
            return n.message;
        }
    }

    private static final Comparator<Node> BY_DATE = Comparator
            .comparing((Node n) -> n.representative().sentDate())
            .thenComparingInt(n -> n.representative().order());

    private Threader() {}

    // ---- ORDEREDSUBJECT (RFC 5256 §3, first algorithm) ----

    static List<Node> orderedSubject(List<Message> messages) {
        List<Message> sorted = new ArrayList<>(messages);
        sorted.sort(Comparator.comparing((Message m) -> m.subject().base(), SortCollation.ASCII_CASEMAP)
                .thenComparing(Message::sentDate).thenComparingInt(Message::order));
        List<Node> roots = new ArrayList<>();
        Node current = null;
        for (Message m : sorted) {
            Node node = new Node();
            node.message = m;
            if (current != null && SortCollation.equal(current.message.subject().base(), m.subject().base())) {
                node.parent = current;
                current.children.add(node); // already in date order
            } else {
                current = node;
                roots.add(node);
            }
        }
        roots.sort(BY_DATE);
        return roots;
    }

    // ---- REFERENCES (RFC 5256 §3, second algorithm) ----

    static List<Node> references(List<Message> messages) {
        Map<String, Node> byId = new LinkedHashMap<>();
        int unique = 0;
        // step 1: containers by Message-ID, linked along each message's references
        for (Message m : messages) {
            String id = m.messageId();
            if (id == null || (byId.containsKey(id) && byId.get(id).message != null)) {
                id = "\u0000unique-" + (unique++); // missing or duplicate Message-ID: a message of its own
            }
            Node container = byId.computeIfAbsent(id, k -> new Node());
            container.message = m;
            Node previous = null;
            for (String ref : m.references()) {
                Node node = byId.computeIfAbsent(ref, k -> new Node());
                if (previous != null && node.parent == null && node != previous
                        && !reachable(node, previous) && !reachable(previous, node)) {
                    link(previous, node);
                }
                previous = node;
            }
            // the message's parent is its last reference, replacing an earlier guess; never a loop
            if (container.parent != null) {
                container.parent.children.remove(container);
                container.parent = null;
            }
            if (previous != null && previous != container && !reachable(container, previous)) {
                link(previous, container);
            }
        }
        // step 2: the root set; step 3: the id table is dropped with this method
        List<Node> roots = new ArrayList<>();
        for (Node n : byId.values()) {
            if (n.parent == null) {
                roots.add(n);
            }
        }
        roots = prune(roots);
        roots = groupBySubject(roots);
        sortAll(roots);
        return roots;
    }

    private static void link(Node parent, Node child) {
        child.parent = parent;
        parent.children.add(child);
    }

    /** Whether {@code target} is {@code from} or below it. */
    private static boolean reachable(Node from, Node target) {
        Deque<Node> todo = new ArrayDeque<>();
        todo.push(from);
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (n == target) {
                return true;
            }
            n.children.forEach(todo::push);
        }
        return false;
    }

    /** Every node below the roots, children before their parents. */
    private static List<Node> postOrder(List<Node> roots) {
        List<Node> order = new ArrayList<>();
        Deque<Node> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            order.add(n);
            n.children.forEach(todo::push);
        }
        return order.reversed();
    }

    /** Step 4: empty dummies go, dummies' children move up (at the root only if there is one child). */
    private static List<Node> prune(List<Node> roots) {
        for (Node n : postOrder(roots)) {
            List<Node> kept = new ArrayList<>();
            for (Node child : n.children) {
                if (child.dummy()) {
                    for (Node grandchild : child.children) {
                        grandchild.parent = n;
                        kept.add(grandchild);
                    }
                } else {
                    kept.add(child);
                }
            }
            n.children.clear();
            n.children.addAll(kept);
        }
        List<Node> result = new ArrayList<>();
        for (Node root : roots) {
            if (root.dummy() && root.children.isEmpty()) {
                continue;
            }
            if (root.dummy() && root.children.size() == 1) {
                Node only = root.children.get(0);
                only.parent = null;
                result.add(only);
            } else {
                result.add(root);
            }
        }
        return result;
    }

    private static BaseSubject subjectOf(Node root) {
        Message m = root.dummy() ? (root.children.isEmpty() ? null : root.children.get(0).message) : root.message;
        return m == null ? new BaseSubject("", false) : m.subject();
    }

    /** Step 5: roots with the same base subject are gathered under one root. */
    private static List<Node> groupBySubject(List<Node> roots) {
        Map<String, Node> table = new HashMap<>();
        for (Node root : roots) {
            BaseSubject subject = subjectOf(root);
            if (subject.base().isEmpty()) {
                continue;
            }
            String key = subjectKey(subject);
            Node old = table.get(key);
            if (old == null
                    || (root.dummy() && !old.dummy())
                    || (!old.dummy() && old.message.subject().replyOrForward() && !root.dummy()
                        && !root.message.subject().replyOrForward())) {
                table.put(key, root);
            }
        }
        List<Node> result = new ArrayList<>();
        for (Node root : roots) {
            if (root.parent != null) {
                continue; // already gathered under an earlier root
            }
            BaseSubject subject = subjectOf(root);
            String key = subjectKey(subject);
            Node other = subject.base().isEmpty() ? null : table.get(key);
            if (other == null || other == root) {
                result.add(root);
            } else if (other.dummy() && root.dummy()) {
                for (Node child : List.copyOf(root.children)) {
                    link(other, child);
                }
                root.children.clear();
            } else if (other.dummy()) {
                link(other, root);
            } else if (!other.message.subject().replyOrForward() && !root.dummy()
                    && root.message.subject().replyOrForward()) {
                link(other, root);
            } else {
                // neither is the obvious parent: a new dummy holds both and takes other's place
                Node dummy = new Node();
                int at = result.indexOf(other);
                link(dummy, other);
                link(dummy, root);
                table.put(key, dummy);
                if (at >= 0) {
                    result.set(at, dummy);
                } else {
                    result.add(dummy);
                }
            }
        }
        List<Node> cleaned = new ArrayList<>();
        for (Node n : result) {
            if (n.parent == null && !(n.dummy() && n.children.isEmpty())) {
                cleaned.add(n);
            }
        }
        return cleaned;
    }

    private static String subjectKey(BaseSubject subject) {
        return new String(SortCollation.key(subject.base()), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Step 6: siblings by sent date, then sequence number; a dummy sorts by its first child. */
    private static void sortAll(List<Node> roots) {
        for (Node n : postOrder(roots)) {
            n.children.sort(BY_DATE);
        }
        roots.sort(BY_DATE);
    }

    // ---- step 7: the wire form (RFC 5256 §4 thread-list) ----

    static String format(List<Node> roots) {
        StringBuilder out = new StringBuilder();
        for (Node root : roots) {
            out.append('(');
            members(root, out);
            out.append(')');
        }
        return out.toString();
    }

    /** A node and its descendants: single children follow in line, several get one list each. */
    private static void members(Node node, StringBuilder out) {
        Node n = node;
        boolean first = true;
        while (true) {
            if (!n.dummy()) {
                if (!first) {
                    out.append(' ');
                }
                out.append(n.message.number());
                first = false;
            }
            if (n.children.size() == 1 && !n.dummy()) {
                n = n.children.get(0);
                continue;
            }
            if (!n.children.isEmpty() && !first) {
                out.append(' ');
            }
            for (Node child : n.children) {
                out.append('(');
                members(child, out);
                out.append(')');
            }
            return;
        }
    }
}

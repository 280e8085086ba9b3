package jotmai.imap;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * An immutable list of longs over {@code array[0..size)}: results of a flag SEARCH on a big mailbox are
 * kept as primitives (80,000 UIDs are 640 KB here, several MB as boxed Longs) and written from the array
 * by {@link jotmai.imap.protocol.ResponseWriter#spNumbers(long[], int)}; other callers see a List.
 */
final class LongArrayList extends AbstractList<Long> implements RandomAccess {
    private final long[] array;
    private final int size;

    LongArrayList(long[] array, int size) {
        if (size < 0 || size > array.length) {
            throw new IllegalArgumentException("size " + size + " of " + array.length);
        }
        this.array = array;
        this.size = size;
    }

    @Override
    public Long get(int i) {
        return getLong(i);
    }

    long getLong(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        return array[i];
    }

    @Override
    public int size() {
        return size;
    }

    /** The backing array (only {@code [0, size())} is meaningful); callers must not change it. */
    long[] array() {
        return array;
    }
}

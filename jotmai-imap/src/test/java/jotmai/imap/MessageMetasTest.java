package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import jotmai.store.BlobRef;
import jotmai.store.MessageMeta;

class MessageMetasTest {

    private static MessageMeta row(long uid, long modSeq, String... flags) {
        return new MessageMeta(1, uid, modSeq, Set.of(flags), Instant.EPOCH, Instant.EPOCH, 100, new BlobRef("b" + uid));
    }

    @Test
    void aNewerRowReplacesAnOlderOneAndAnOlderOneIsIgnored() {
        MessageMetas metas = new MessageMetas();
        metas.remember(row(7, 5, "\\Seen"));
        metas.remember(row(7, 4));
        assertThat(metas.get(7).flags()).containsExactly("\\Seen");
        metas.remember(row(7, 6, "\\Deleted"));
        assertThat(metas.get(7).flags()).containsExactly("\\Deleted");
        metas.clear();
    }

    @Test
    void aViewRemembersAtMostItsOwnBoundOfRows() {
        MessageMetas metas = new MessageMetas();
        for (long uid = 1; uid <= MessageMetas.MAX_ROWS + 100; uid++) {
            metas.remember(row(uid, 1));
        }
        assertThat(metas.size()).isEqualTo(MessageMetas.MAX_ROWS);
        assertThat(metas.get(MessageMetas.MAX_ROWS + 1)).isNull();
        metas.clear();
        assertThat(metas.size()).isZero();
    }

    @Test
    void allViewsTogetherStayWithinTheJvmWideBoundAndGiveRowsBackWhenTheyForget() {
        List<MessageMetas> views = new ArrayList<>();
        int limit = MessageMetas.MAX_TOTAL_ROWS / MessageMetas.MAX_ROWS + 10; // more than the budget allows
        for (int v = 0; v < limit; v++) {
            MessageMetas metas = new MessageMetas();
            views.add(metas);
            for (long uid = 1; uid <= MessageMetas.MAX_ROWS; uid++) {
                metas.remember(row(uid, 1));
            }
        }
        assertThat(MessageMetas.totalRows()).isLessThanOrEqualTo(MessageMetas.MAX_TOTAL_ROWS);
        assertThat(views.stream().mapToInt(MessageMetas::size).sum()).isLessThanOrEqualTo(MessageMetas.MAX_TOTAL_ROWS);
        assertThat(views.getLast().size()).isZero(); // the budget was used up before the last views

        views.getFirst().forget(1);
        views.forEach(MessageMetas::clear);
        MessageMetas fresh = new MessageMetas();
        for (long uid = 1; uid <= MessageMetas.MAX_ROWS; uid++) {
            fresh.remember(row(uid, 1));
        }
        assertThat(fresh.size()).isEqualTo(MessageMetas.MAX_ROWS);
        fresh.clear();
    }
}

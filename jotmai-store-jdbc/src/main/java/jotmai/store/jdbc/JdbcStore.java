package jotmai.store.jdbc;

import jotmai.store.AccountStore;
import jotmai.store.AclStore;
import jotmai.store.ChangeBus;
import jotmai.store.MailStore;
import jotmai.store.MetadataStore;
import jotmai.store.QueueStore;
import jotmai.store.Store;
import jotmai.store.ThrottleStore;

/**
 * A backend's {@link Store}: the accessors of its parts written once. A backend builds its
 * {@link StoreParts} when it opens, and keeps what only it has (opening, migration, closing).
 */
public abstract class JdbcStore implements Store {

    /** The parts, built by the subclass's constructor. */
    protected abstract StoreParts parts();

    @Override
    public final AccountStore accounts() {
        return parts().accounts();
    }

    @Override
    public final MailStore mail() {
        return parts().mail();
    }

    @Override
    public final QueueStore queue() {
        return parts().queue();
    }

    @Override
    public final ChangeBus changes() {
        return parts().changes();
    }

    @Override
    public final AclStore acl() {
        return parts().acl();
    }

    @Override
    public final MetadataStore metadata() {
        return parts().metadata();
    }

    /** Per process for an embedded store, shared by every node for a database server (issue 8). */
    @Override
    public final ThrottleStore throttle() {
        return parts().throttle();
    }
}

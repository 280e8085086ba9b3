package jotmai.store.postgres;

import org.junit.jupiter.api.extension.RegisterExtension;

import jotmai.store.Store;
import jotmai.store.contract.AccountStoreContract;
import jotmai.store.contract.AclContract;
import jotmai.store.contract.SeenMarksContract;
import jotmai.store.contract.MetadataContract;
import jotmai.store.contract.ChangeBusContract;
import jotmai.store.contract.ChangesContract;
import jotmai.store.contract.CopyMoveDeliverContract;
import jotmai.store.contract.MailboxContract;
import jotmai.store.contract.MessageContract;
import jotmai.store.contract.QueueStoreContract;
import jotmai.store.contract.RecipientResolverContract;
import jotmai.store.contract.SearchTextContract;
import jotmai.store.contract.ThreadIdContract;
import jotmai.store.contract.TombstoneContract;
import jotmai.store.contract.ThrottleStoreContract;

/**
 * The PostgreSQL backend runs the whole store contract suite, on one store in a fresh schema for the
 * class (the contract helpers create unique domains and accounts, so tests do not see each other).
 */
class PostgresStoreTest implements AccountStoreContract, RecipientResolverContract, MailboxContract, MessageContract,
        CopyMoveDeliverContract, ChangesContract, ChangeBusContract, QueueStoreContract,
        ThrottleStoreContract, AclContract, MetadataContract, SearchTextContract, SeenMarksContract,
        ThreadIdContract, TombstoneContract {

    @RegisterExtension
    static final FreshPgStore pg = new FreshPgStore();

    @Override
    public Store store() {
        return pg.store();
    }
}

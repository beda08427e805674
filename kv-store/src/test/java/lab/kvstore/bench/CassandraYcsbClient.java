package lab.kvstore.bench;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.Vector;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;

/**
 * YCSB binding for Apache Cassandra on the DataStax/Apache Java driver 4: one shared session,
 * prepared statements, QUORUM for reads and writes. The record is one blob column, as in the
 * kv-store binding, so both stores move the same bytes. Properties: {@code cassandra.hosts}
 * (host:port,...), {@code cassandra.datacenter}.
 */
public class CassandraYcsbClient extends DB {

    private static final Object LOCK = new Object();
    private static CqlSession session;
    private static PreparedStatement insert;
    private static PreparedStatement select;
    private static PreparedStatement delete;
    private static int users;

    @Override
    public void init() throws DBException {
        synchronized (LOCK) {
            if (session == null) {
                var builder = CqlSession.builder()
                        .withLocalDatacenter(getProperties().getProperty("cassandra.datacenter", "datacenter1"))
                        .withKeyspace("ycsb");
                for (String host : getProperties().getProperty("cassandra.hosts", "127.0.0.1:9042").split(",")) {
                    String[] parts = host.strip().split(":");
                    builder.addContactPoint(new InetSocketAddress(parts[0], Integer.parseInt(parts[1])));
                }
                session = builder.build();
                insert = session.prepare("INSERT INTO usertable (y_id, record) VALUES (?, ?)");
                select = session.prepare("SELECT record FROM usertable WHERE y_id = ?");
                delete = session.prepare("DELETE FROM usertable WHERE y_id = ?");
            }
            users++;
        }
    }

    @Override
    public void cleanup() {
        synchronized (LOCK) {
            if (--users == 0) {
                session.close();
                session = null;
            }
        }
    }

    @Override
    public Status read(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
        try {
            Row row = session.execute(select.bind(key).setConsistencyLevel(ConsistencyLevel.QUORUM)).one();
            if (row == null) {
                return Status.NOT_FOUND;
            }
            ByteBuffer record = row.getByteBuffer(0);
            byte[] bytes = new byte[record.remaining()];
            record.get(bytes);
            RecordCodec.decode(bytes, fields, result);
            return Status.OK;
        } catch (RuntimeException e) {
            return Status.ERROR;
        }
    }

    @Override
    public Status scan(String table, String startkey, int recordcount, Set<String> fields,
                       Vector<java.util.HashMap<String, ByteIterator>> result) {
        return Status.NOT_IMPLEMENTED;
    }

    @Override
    public Status update(String table, String key, Map<String, ByteIterator> values) {
        return insert(table, key, values);
    }

    @Override
    public Status insert(String table, String key, Map<String, ByteIterator> values) {
        try {
            session.execute(insert.bind(key, ByteBuffer.wrap(RecordCodec.encode(values)))
                    .setConsistencyLevel(ConsistencyLevel.QUORUM));
            return Status.OK;
        } catch (RuntimeException e) {
            return Status.ERROR;
        }
    }

    @Override
    public Status delete(String table, String key) {
        try {
            session.execute(delete.bind(key).setConsistencyLevel(ConsistencyLevel.QUORUM));
            return Status.OK;
        } catch (RuntimeException e) {
            return Status.ERROR;
        }
    }
}

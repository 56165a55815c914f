package chat.orchestrator.app.faults;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * A real PostgreSQL (zonky's embedded binaries) on a data directory and port of its own, so that it can be shut
 * down and started again on both: what the instances see is a database restart, their pools' connections broken.
 */
final class PostgresProcess implements AutoCloseable {
    private final Path dataDirectory;
    private final int port;
    private EmbeddedPostgres postgres;

    PostgresProcess(Path dataDirectory, int port) throws IOException {
        this.dataDirectory = dataDirectory;
        this.port = port;
        start();
    }

    private void start() throws IOException {
        // initdb runs only when the directory has no postgresql.conf yet, so a restart keeps every row.
        postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setServerConfig("fsync", "off")
                .setServerConfig("max_connections", "200")
                .start();
    }

    int port() {
        return port;
    }

    /**
     * pg_ctl stop (fast: open transactions are rolled back, connections cut), down for {@code down}, then started on
     * the same data and port.
     */
    synchronized void restart(Duration down) throws IOException, InterruptedException {
        postgres.close();
        Thread.sleep(down.toMillis());
        start();
    }

    synchronized void createDatabase(String name) throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            connection.createStatement().execute("CREATE DATABASE " + name);
        }
    }

    synchronized Connection connect(String database) throws SQLException {
        return postgres.getDatabase("postgres", database).getConnection();
    }

    @Override
    public synchronized void close() throws IOException {
        postgres.close();
    }
}

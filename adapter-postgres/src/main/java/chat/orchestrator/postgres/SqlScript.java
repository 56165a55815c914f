package chat.orchestrator.postgres;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.DSLContext;

/**
 * Several statements sent to PostgreSQL as one, in one round trip: the driver sends them back to back and asks for
 * the results once at the end (one Sync), so with autocommit they run in one implicit transaction, committed when
 * the last one succeeds and rolled back whole when any fails. Unlike a single statement, each statement takes its own
 * snapshot when it starts (READ COMMITTED), so one that runs after a row lock was granted sees everything committed
 * before it: what the fenced paths need (docs/postgres.md, "Fewer round trips").
 * <p>
 * The text names its values ({@code :name}, the same name as often as needed; {@code ::type} is a cast), bound by
 * name from a map. Values are bound as {@link RenderedSql} binds them.
 */
final class SqlScript {
    private static final Pattern NAME = Pattern.compile("(?<!:):([a-z_]+)");

    private final String sql;
    private final List<String> parameters;

    private SqlScript(String sql, List<String> parameters) {
        this.sql = sql;
        this.parameters = parameters;
    }

    /**
     * The statements in order: each a text with named values (no semicolon inside), or a {@link RenderedSql}, whose
     * values are bound by the names it was written with.
     */
    static SqlScript of(Object... statements) {
        List<String> names = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (Object statement : statements) {
            switch (statement) {
                case RenderedSql rendered -> {
                    texts.add(rendered.sql());
                    names.addAll(rendered.names());
                }
                case String text -> {
                    Matcher matcher = NAME.matcher(text);
                    StringBuilder positional = new StringBuilder();
                    while (matcher.find()) {
                        names.add(matcher.group(1));
                        matcher.appendReplacement(positional, "?");
                    }
                    matcher.appendTail(positional);
                    texts.add(positional.toString().strip());
                }
                default -> throw new IllegalArgumentException("not a statement: " + statement);
            }
        }
        return new SqlScript(String.join(";\n", texts), List.copyOf(names));
    }

    /** Reads the results of the statements in order: a result set's rows, or an update count. */
    @FunctionalInterface
    interface Results<T> {
        T read(List<Result> results) throws SQLException;
    }

    /** One statement's result: its rows (read by then, as arrays of column values) or its update count. */
    record Result(List<Object[]> rows, int updateCount) {
    }

    /**
     * Runs every statement in one round trip on a connection of the work (autocommit: one implicit transaction),
     * each value taken from {@code values} by name.
     */
    <T> T run(DSLContext sql, Map<String, Object> values, Results<T> results) {
        return sql.connectionResult(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(this.sql)) {
                for (int index = 0; index < parameters.size(); index++) {
                    String name = parameters.get(index);
                    if (!values.containsKey(name)) {
                        throw new IllegalArgumentException("no value for :" + name + " in " + this.sql);
                    }
                    bind(statement, index + 1, values.get(name));
                }
                List<Result> read = new ArrayList<>();
                boolean rows = statement.execute();
                while (true) {
                    if (rows) {
                        try (ResultSet set = statement.getResultSet()) {
                            read.add(new Result(rows(set), -1));
                        }
                    } else {
                        int count = statement.getUpdateCount();
                        if (count == -1) {
                            break;
                        }
                        read.add(new Result(List.of(), count));
                    }
                    rows = statement.getMoreResults();
                }
                return results.read(read);
            }
        });
    }

    private static List<Object[]> rows(ResultSet set) throws SQLException {
        int columns = set.getMetaData().getColumnCount();
        List<Object[]> rows = new ArrayList<>();
        while (set.next()) {
            Object[] row = new Object[columns];
            for (int column = 0; column < columns; column++) {
                Object value = set.getObject(column + 1);
                // timestamptz as an instant: the driver reads it as a java.sql.Timestamp otherwise.
                row[column] = value instanceof java.sql.Timestamp
                        ? set.getObject(column + 1, OffsetDateTime.class).toInstant() : value;
            }
            rows.add(row);
        }
        return rows;
    }

    private static void bind(PreparedStatement statement, int index, Object value) throws SQLException {
        switch (value) {
            case UUID[] uuids -> statement.setArray(index, statement.getConnection().createArrayOf("uuid", uuids));
            case Integer[] ints -> statement.setArray(index, statement.getConnection().createArrayOf("int4", ints));
            case String[] texts -> statement.setArray(index, statement.getConnection().createArrayOf("varchar", texts));
            case Instant instant -> statement.setObject(index, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
            case null -> statement.setObject(index, null);
            default -> statement.setObject(index, value);
        }
    }

    @Override
    public String toString() {
        return sql;
    }
}

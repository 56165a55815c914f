package chat.orchestrator.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.InsertSetMoreStep;
import org.jooq.JSONB;
import org.jooq.Param;
import org.jooq.Query;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/**
 * A statement of the per-message path, written with jOOQ (so the schema's names and types are checked) but rendered
 * to SQL once, when the class that holds it loads, then executed through JDBC with fresh bind values. Rendering a
 * jOOQ query tree on every execution cost more CPU than everything else the server did for a message.
 */
final class RenderedSql {
    private static final DSLContext RENDERER = DSL.using(SQLDialect.POSTGRES, new Settings().withRenderFormatted(false));

    private final String sql;
    private final int parameters;
    private final List<String> names;

    private RenderedSql(String sql, List<String> names) {
        this.sql = sql;
        this.parameters = names.size();
        this.names = names;
    }

    /** The SQL, with a {@code ?} per value. */
    String sql() {
        return sql;
    }

    /** The values' names, in the order the SQL takes them: how a {@link SqlScript} binds them. */
    List<String> names() {
        return names;
    }

    /**
     * @param query      every value a {@code DSL.param(name, type)}, each name once
     * @param parameters the names in the order they appear in the SQL: the order {@link #execute} takes values in
     * @throws IllegalArgumentException when the names do not match the query's parameters in order
     */
    static RenderedSql of(Query query, String... parameters) {
        List<String> rendered = RENDERER.extractParams(query).values().stream()
                .filter(param -> !param.isInline()).map(Param::getParamName).toList();
        if (!rendered.equals(List.of(parameters)) || RENDERER.extractBindValues(query).size() != parameters.length) {
            throw new IllegalArgumentException("parameters " + List.of(parameters) + " do not match the query's "
                    + rendered + ": " + RENDERER.render(query));
        }
        return new RenderedSql(RENDERER.render(query), List.of(parameters));
    }

    /**
     * An INSERT of these columns, each bound to a parameter named as the column, values taken in this order;
     * {@code rest} adds what follows the values (a conflict clause, a column computed in SQL).
     */
    static <R extends Record> RenderedSql insert(Table<R> table, Function<InsertSetMoreStep<R>, Query> rest,
                                                 Field<?>... columns) {
        Map<Field<?>, Field<?>> values = new LinkedHashMap<>();
        for (Field<?> column : columns) {
            values.put(column, DSL.param(column.getName(), column));
        }
        return of(rest.apply(DSL.insertInto(table).set(values)),
                Stream.of(columns).map(Field::getName).toArray(String[]::new));
    }

    /** Reads a row of the result; the columns are in the query's select order. */
    @FunctionalInterface
    interface Row<T> {
        T read(ResultSet row) throws SQLException;
    }

    /** Runs the statement on the work's connection; the update count. */
    int execute(DSLContext sql, Object... values) {
        return sql.connectionResult(connection -> {
            try (PreparedStatement statement = prepared(connection, values)) {
                return statement.executeUpdate();
            }
        });
    }

    /** Runs the statement once per row of values, in one JDBC batch (one round trip). */
    void executeBatch(DSLContext sql, Collection<Object[]> rows) {
        sql.connection(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(this.sql)) {
                for (Object[] values : rows) {
                    bind(statement, values);
                    statement.addBatch();
                }
                statement.executeBatch();
            }
        });
    }

    /** Runs the query; its rows read by {@code row}, in order. */
    <T> List<T> fetch(DSLContext sql, Row<T> row, Object... values) {
        return sql.connectionResult(connection -> {
            try (PreparedStatement statement = prepared(connection, values); ResultSet rows = statement.executeQuery()) {
                List<T> read = new ArrayList<>();
                while (rows.next()) {
                    read.add(row.read(rows));
                }
                return read;
            }
        });
    }

    /**
     * Runs the query, which selects (or returns) every column of {@code table} in the table's order (as
     * {@code selectFrom} and {@code returning()} render them); its rows as the table's records.
     */
    <R extends Record> List<R> fetchInto(DSLContext sql, Table<R> table, Object... values) {
        return sql.connectionResult(connection -> {
            try (PreparedStatement statement = prepared(connection, values); ResultSet rows = statement.executeQuery()) {
                // The table's fields given, jOOQ reads each column as its type says instead of looking every column's
                // type up from the result's metadata, which cost more than the rest of the claim.
                requireColumnsOf(table, rows.getMetaData());
                return sql.fetch(rows, table.fields()).into(table);
            }
        });
    }

    /** A query whose columns are not the table's, in its order, would fill the records' fields with the wrong values. */
    private void requireColumnsOf(Table<?> table, ResultSetMetaData columns) throws SQLException {
        Field<?>[] fields = table.fields();
        boolean same = columns.getColumnCount() == fields.length;
        for (int index = 0; same && index < fields.length; index++) {
            same = fields[index].getName().equals(columns.getColumnLabel(index + 1));
        }
        if (!same) {
            throw new IllegalStateException("the query does not select " + table.getName() + "'s columns in order: " + sql);
        }
    }

    private PreparedStatement prepared(Connection connection, Object[] values) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            bind(statement, values);
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    private void bind(PreparedStatement statement, Object[] values) throws SQLException {
        if (values.length != parameters) {
            throw new IllegalArgumentException("expected " + parameters + " values, got " + values.length + ": " + sql);
        }
        for (int index = 0; index < values.length; index++) {
            if (values[index] instanceof UUID[] uuids) {
                statement.setArray(index + 1, statement.getConnection().createArrayOf("uuid", uuids));
            } else {
                statement.setObject(index + 1, jdbcValue(values[index]));
            }
        }
    }

    /** What jOOQ's bindings would send: timestamps with their offset, JSONB as its text (the SQL casts it). */
    private static Object jdbcValue(Object value) {
        return switch (value) {
            case Instant instant -> OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
            case JSONB json -> json.data();
            case null -> null;
            default -> value;
        };
    }

    /** A timestamptz column as an instant. */
    static Instant instant(ResultSet row, int column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    @Override
    public String toString() {
        return sql;
    }
}

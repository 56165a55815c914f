package chat.orchestrator.postgres;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The PostgreSQL JDBC driver's {@code sslmode} values, from "never encrypt" to "encrypt and verify the host". */
public enum PostgresSslMode {
    DISABLE, ALLOW, PREFER, REQUIRE, VERIFY_CA, VERIFY_FULL;

    /** The spelling the driver and libpq URLs use, e.g. {@code verify-full}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Optional<PostgresSslMode> parse(String value) {
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(mode -> mode.wireName().equals(wanted)).findFirst();
    }

    static String allWireNames() {
        return Arrays.stream(values()).map(PostgresSslMode::wireName).collect(Collectors.joining(", "));
    }
}

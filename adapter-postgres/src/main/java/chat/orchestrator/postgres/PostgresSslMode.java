package chat.orchestrator.postgres;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The PostgreSQL JDBC driver's {@code sslmode} values, from "never encrypt" to "encrypt and verify the host". */
public enum PostgresSslMode {
    DISABLE, ALLOW, PREFER, REQUIRE, VERIFY_CA, VERIFY_FULL;

    /** The spelling the driver and libpq URLs use, e.g. {@code verify-full}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The mode a wire name spells, ignoring case and surrounding spaces; empty for any other word. */
    public static Optional<PostgresSslMode> parse(String value) {
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(mode -> mode.wireName().equals(wanted)).findFirst();
    }
}

package chat.orchestrator.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script shipped as a resource beside this class. Its SHA-1 is computed here, as Redis computes it, so
 * calls go by EVALSHA from the start and the body is sent only when a server answers NOSCRIPT. A script may be
 * prefixed with function files ({@code fn-*.lua}): scripts cannot call each other, so what two scripts share
 * (accepting a message, taking the lock) is one function, sent as part of each.
 */
record LuaScript(String name, String source, String sha1) {

    /** The script {@code name.lua}, after the function files {@code functions}, in that order. */
    static LuaScript load(String name, String... functions) {
        StringBuilder source = new StringBuilder();
        for (String function : functions) {
            source.append(read(function)).append('\n');
        }
        source.append(read(name));
        return new LuaScript(name, source.toString(), sha1(source.toString()));
    }

    private static String read(String name) {
        String resource = name + ".lua";
        try (InputStream in = LuaScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Lua script " + resource + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Lua script " + resource, e);
        }
    }

    private static String sha1(String source) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }
}

package chat.orchestrator.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

/** The machine a run happened on, printed first so every table says what it was measured on. */
final class Machine {
    private Machine() {
    }

    static String describe() {
        return String.format(Locale.ROOT, "%s; %d cores (%s); %s; JDK %s (%s); %s %s; load average %s",
                Instant.now(), Runtime.getRuntime().availableProcessors(), cpuModel(), memory(),
                System.getProperty("java.version"), System.getProperty("java.vm.name"), System.getProperty("os.name"),
                System.getProperty("os.version"), loadAverage());
    }

    private static String cpuModel() {
        return firstLine(Path.of("/proc/cpuinfo"), "model name").replaceFirst("model name\\s*:\\s*", "");
    }

    private static String memory() {
        String total = firstLine(Path.of("/proc/meminfo"), "MemTotal").replaceAll("\\D", "");
        return total.isEmpty() ? "memory unknown"
                : String.format(Locale.ROOT, "%.0f GiB RAM", Long.parseLong(total) / 1048576.0);
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException unknown) {
            return "unknown";
        }
    }

    private static String firstLine(Path file, String prefix) {
        try (var lines = Files.lines(file)) {
            return lines.filter(line -> line.startsWith(prefix)).findFirst().orElse("");
        } catch (IOException unknown) {
            return "";
        }
    }
}

package chat.orchestrator.app;

import java.lang.System.Logger.Level;
import java.util.concurrent.CountDownLatch;

/** Starts the server from the environment and stops it gracefully on SIGTERM/SIGINT. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        AppConfig config;
        Tokens tokens;
        try {
            config = AppConfig.fromEnvironment(System.getenv());
            tokens = Tokens.from(config);
        } catch (ConfigurationException | IllegalArgumentException bad) {
            System.err.println("Configuration error: " + bad.getMessage());
            System.exit(2);
            return;
        }
        LogSetup.configure(config.logLevel(), config.logFormat());
        Tokens.banner(config, tokens).ifPresent(System.out::print);
        Application application;
        try {
            application = Application.start(config, tokens);
        } catch (RuntimeException cannotStart) {
            System.err.println("Cannot start: " + cannotStart.getMessage());
            System.exit(1);
            return;
        }
        System.Logger log = System.getLogger(Main.class.getName());
        log.log(Level.INFO, "chat orchestrator ({0}) listening on {1}:{2,number,#}; {3}", config.environment(),
                config.host(), application.port(), application.adaptersInUse().entrySet().stream()
                        .map(e -> e.getKey() + ": " + e.getValue()).collect(java.util.stream.Collectors.joining(", ")));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.log(Level.INFO, "shutting down: no new requests, finishing running work");
            application.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }
}

package chat.orchestrator.postgres;

import static chat.orchestrator.postgres.schema.Tables.BOT_CONFIGURATION;

import chat.orchestrator.core.port.BotProfile;
import chat.orchestrator.core.port.BotProfilePort;
import java.time.Clock;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * {@link BotProfilePort} on the single row of {@code bot_configuration}, which the first migration seeds with
 * {@link BotProfile#DEFAULT}. Saving replaces the row, so every instance reads the profile an operator saved last.
 */
public final class PostgresBotProfiles implements BotProfilePort {
    private static final short THE_ROW = 1;

    private final Database database;
    private final Clock clock;

    public PostgresBotProfiles(DataSource dataSource) {
        this(dataSource, Clock.systemUTC());
    }

    public PostgresBotProfiles(DataSource dataSource, Clock clock) {
        this.database = new Database(Objects.requireNonNull(dataSource, "dataSource"));
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public BotProfile current() {
        return database.read("read the bot profile", sql -> sql.selectFrom(BOT_CONFIGURATION)
                .where(BOT_CONFIGURATION.ID.eq(THE_ROW))
                .fetchOptional(row -> new BotProfile(row.getBotName(), row.getSystemPrompt(),
                        Json.stringMap(row.getAiSettings()), Json.stringMap(row.getPlatformSettings())))
                // Only a hand-deleted row gets here; the port promises a profile all the same.
                .orElse(BotProfile.DEFAULT));
    }

    @Override
    public void save(BotProfile profile) {
        Objects.requireNonNull(profile, "profile");
        database.transaction("save the bot profile", sql -> sql.insertInto(BOT_CONFIGURATION)
                .set(BOT_CONFIGURATION.ID, THE_ROW)
                .set(BOT_CONFIGURATION.BOT_NAME, profile.botName())
                .set(BOT_CONFIGURATION.SYSTEM_PROMPT, profile.systemPrompt())
                .set(BOT_CONFIGURATION.AI_SETTINGS, Json.of(profile.aiSettings()))
                .set(BOT_CONFIGURATION.PLATFORM_SETTINGS, Json.of(profile.platformSettings()))
                .set(BOT_CONFIGURATION.UPDATED_AT, clock.instant())
                .onConflict(BOT_CONFIGURATION.ID).doUpdate()
                .setAllToExcluded()
                .execute());
    }
}

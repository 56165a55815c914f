package chat.orchestrator.core.port;

/** Where the bot configuration lives; there is always one ({@link BotProfile#DEFAULT} until an operator saves one). */
public interface BotProfilePort {

    BotProfile current();

    void save(BotProfile profile);
}

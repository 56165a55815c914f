package chat.orchestrator.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.orchestrator.core.port.BotProfile;
import chat.orchestrator.core.port.BotProfilePort;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What every {@link BotProfilePort} must guarantee. Adapters extend this with a fresh store per test. */
public abstract class BotProfilePortContract {

    /** A bot profile port over an empty store. */
    protected abstract BotProfilePort freshProfiles();

    @Test
    void anEmptyStoreHasTheDefaultProfile() {
        assertEquals(BotProfile.DEFAULT, freshProfiles().current());
    }

    @Test
    void aSavedProfileIsReadBackWholeAndReplacesTheOldOne() {
        BotProfilePort profiles = freshProfiles();
        BotProfile clinic = new BotProfile("Phòng khám An Tâm",
                "You are the booking assistant of Phòng khám An Tâm. Answer in the customer's language.",
                Map.of("model", "qwen2.5-7b-instruct", "temperature", "0.2"), Map.of("page_id", "105230123456789"));

        profiles.save(BotProfile.DEFAULT);
        profiles.save(clinic);

        assertEquals(clinic, profiles.current());
    }
}

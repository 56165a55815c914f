package chat.orchestrator.core.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.DeliveryReport.ActionDelivery;
import chat.orchestrator.core.domain.DeliveryReport.Status;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeliveryReportTest {

    @Test
    void everyActionDeliveredReportsEachActionInItsPlaceDeliveredAtTheFirstAttempt() {
        List<Action> actions = List.of(new Action.SendMessage("Dạ còn ạ 🙏"),
                new Action.SendQuickReplies("Chị chọn giờ nào ạ?", List.of("8:00", "10:00")));

        DeliveryReport report = DeliveryReport.everyActionDelivered(actions);

        assertEquals(List.of(new ActionDelivery(0, ActionType.SEND_MESSAGE, Status.DELIVERED, 1, ""),
                new ActionDelivery(1, ActionType.SEND_QUICK_REPLIES, Status.DELIVERED, 1, "")), report.actions());
        assertEquals(Optional.empty(), report.retryAfter());
        assertTrue(report.allDelivered());
    }
}

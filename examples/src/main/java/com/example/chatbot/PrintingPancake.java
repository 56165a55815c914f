package com.example.chatbot;

import chat.orchestrator.core.domain.DeliveryReport;
import chat.orchestrator.core.port.Delivery;
import chat.orchestrator.core.port.PancakePort;
import java.io.PrintStream;

/** Your channel to the customer: here a console; in your application, the client of your messaging platform. */
public final class PrintingPancake implements PancakePort {
    private final PrintStream out;

    public PrintingPancake(PrintStream out) {
        this.out = out;
    }

    @Override
    public DeliveryReport deliver(Delivery delivery) {
        delivery.actions().forEach(action -> out.println("to " + delivery.conversationId() + ": " + action.asText()));
        return DeliveryReport.everyActionDelivered(delivery.actions());
    }
}

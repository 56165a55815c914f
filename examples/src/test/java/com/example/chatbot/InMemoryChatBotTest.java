package com.example.chatbot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import chat.orchestrator.core.domain.MessageOutcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryChatBotTest {

    @Test
    void theSmallestProgramAnswersTheCustomerOnceThroughItsOwnPortsAndLeavesNoThreadBehind() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        MessageOutcome outcome = InMemoryChatBot.run(new PrintStream(printed, true, StandardCharsets.UTF_8));

        MessageOutcome.Completed completed = assertInstanceOf(MessageOutcome.Completed.class, outcome);
        assertEquals("We open at 8:00 (you asked: When do you open?)", completed.reply().text());
        assertEquals(List.of("to conv_1: We open at 8:00 (you asked: When do you open?)", "outcome: Completed"),
                printed.toString(StandardCharsets.UTF_8).lines().toList());
        OrchestratorThreads.awaitNoneLeft();
    }
}

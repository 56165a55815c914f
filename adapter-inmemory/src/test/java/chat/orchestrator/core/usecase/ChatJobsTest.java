package chat.orchestrator.core.usecase;

import chat.orchestrator.core.port.LifecycleEvents;
import static chat.orchestrator.core.contract.TestMessages.message;
import static chat.orchestrator.core.contract.TestMessages.newConversation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.port.AiUnavailableException;
import chat.orchestrator.core.port.Job;
import chat.orchestrator.core.port.JobPort;
import chat.orchestrator.core.port.JobStatus;
import chat.orchestrator.core.port.LockPort;
import chat.orchestrator.core.port.Lease;
import chat.orchestrator.core.port.StatePort;
import chat.orchestrator.core.port.StoreUnavailableException;
import chat.orchestrator.inmemory.InMemoryJobs;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The asynchronous API's jobs, below HTTP: how a request's burst is taken in, how its job follows the worker, and
 * how a job whose messages another worker answered is completed from history when read.
 */
class ChatJobsTest {
    private static final Duration JOB_TTL = Duration.ofHours(1);

    private final WorkerRig rig = new WorkerRig();
    private final ManualExecutor executor = new ManualExecutor();
    private final InMemoryJobs jobStore = new InMemoryJobs(rig.clock);
    private final ConversationId conversation = newConversation();
    private final List<InboundMessage> burst = List.of(
            message(conversation, "m1", 0, "hi"), message(conversation, "m2", 1_000, "I want to book a check-up"));

    @Test
    void aBurstThatTakesTheLock_isProcessing_untilItsWorkerAnswers_thenCompletedWithTheAnswer() {
        ChatJobs jobs = jobs(rig.state, jobStore);

        ChatJobs.Submitted submitted = jobs.submit(conversation, burst);

        assertEquals(ChatJobs.Start.LOCK_ACQUIRED, submitted.start());
        assertEquals(OptionalLong.of(rig.locks.inspect(conversation).orElseThrow().fencingToken().value()),
                submitted.fencingToken());
        assertEquals(JobStatus.PROCESSING, submitted.job().status());
        assertEquals(List.of(burst.get(0).id(), burst.get(1).id()), submitted.job().messageIds());
        assertEquals(1, jobs.activeJobs());

        executor.runAll();

        Job done = jobStore.find(submitted.job().id()).orElseThrow();
        assertEquals(JobStatus.COMPLETED, done.status());
        assertEquals("answer to [m1, m2]", done.reply().orElseThrow().text());
        assertEquals(0, jobs.activeJobs());
    }

    @Test
    void aBurstThatJoinsAnotherWorkersConversation_isCompletedFromHistory_whenReadAfterThatWorkerAnswered() {
        ChatJobs jobs = jobs(rig.state, jobStore);
        Lease other = rig.locks.tryAcquire(conversation, WorkerRig.TTL).orElseThrow();

        ChatJobs.Submitted submitted = jobs.submit(conversation, burst);

        assertEquals(ChatJobs.Start.JOINED_RUNNING_WORK, submitted.start());
        assertEquals(OptionalLong.empty(), submitted.fencingToken());
        assertEquals(JobStatus.PROCESSING, submitted.job().status());
        assertEquals(0, jobs.activeJobs(), "its worker runs elsewhere");
        assertEquals(JobStatus.PROCESSING, jobs.find(submitted.job().id()).orElseThrow().status());

        rig.worker(WorkerRig::echo).run(other, Optional.empty());

        Job read = jobs.find(submitted.job().id()).orElseThrow();
        assertEquals(JobStatus.COMPLETED, read.status());
        assertEquals("answer to [m1, m2]", read.reply().orElseThrow().text());
    }

    @Test
    void aBurstAnsweredBefore_isAlreadyAnswered_andComplete() {
        ChatJobs jobs = jobs(rig.state, jobStore);
        jobs.submit(conversation, burst);
        executor.runAll();

        ChatJobs.Submitted again = jobs.submit(conversation, burst);

        assertEquals(ChatJobs.Start.ALREADY_ANSWERED, again.start());
        assertEquals(JobStatus.COMPLETED, again.job().status());
        assertEquals("answer to [m1, m2]", again.job().reply().orElseThrow().text());
        assertEquals(1, rig.history.sentRuns().size(), "answered once");
    }

    /** Found by the simulation (seed 13): a retried request for a message still in another worker's hands. */
    @Test
    void aRetriedBurstStillBeingAnswered_joinsTheRunningWork_notAlreadyAnswered() {
        ChatJobs jobs = jobs(rig.state, jobStore);
        Lease other = rig.locks.tryAcquire(conversation, WorkerRig.TTL).orElseThrow();
        jobs.submit(conversation, burst);

        ChatJobs.Submitted again = jobs.submit(conversation, burst);

        assertEquals(ChatJobs.Start.JOINED_RUNNING_WORK, again.start());
        assertEquals(JobStatus.PROCESSING, again.job().status());
        rig.worker(WorkerRig::echo).run(other, Optional.empty());
        assertEquals(JobStatus.COMPLETED, jobs.find(again.job().id()).orElseThrow().status());
    }

    @Test
    void aBurstThatCannotBeRecorded_failsItsJob() {
        ChatJobs jobs = jobs(Faults.failing(LockPort.class, rig.locks, new StoreUnavailableException("redis down"),
                "acceptAndTryAcquire"), rig.state, jobStore);

        ChatJobs.Submitted submitted = jobs.submit(conversation, burst);

        assertEquals(ChatJobs.Start.FAILED, submitted.start());
        assertEquals("storage unavailable: redis down", submitted.failure());
        assertEquals(JobStatus.FAILED, jobStore.find(submitted.job().id()).orElseThrow().status());
        assertEquals("storage unavailable: redis down", submitted.job().error());
    }

    @Test
    void aWorkerWhoseAiFails_failsTheJobWithTheReason() {
        HandleMessage messages = new HandleMessage(rig.locks, rig.state, rig.history, rig.worker(ctx -> {
            throw new AiUnavailableException("model overloaded");
        }), executor, rig.scheduler, WorkerRig.SETTINGS, LifecycleEvents.NONE);
        ChatJobs jobs = new ChatJobs(messages::submit, jobStore, rig.history, rig.clock, JOB_TTL);

        ChatJobs.Submitted submitted = jobs.submit(conversation, burst);
        executor.runAll();

        Job failed = jobStore.find(submitted.job().id()).orElseThrow();
        assertEquals(JobStatus.FAILED, failed.status());
        assertEquals("ai_unavailable: model overloaded", failed.error());
    }

    @Test
    void cancellingARunningJob_cancelsIt_andOnlyTheJobsOfThatConversationAreCancelledInBulk() {
        ChatJobs jobs = jobs(rig.state, jobStore);
        ChatJobs.Submitted ours = jobs.submit(conversation, burst);
        ConversationId elsewhere = newConversation();
        ChatJobs.Submitted theirs = jobs.submit(elsewhere, List.of(message(elsewhere, "x1", 0, "hello")));

        assertEquals(1, jobs.cancelRunning(conversation, "operator reset"));

        Job cancelled = jobs.find(ours.job().id()).orElseThrow();
        assertEquals(JobStatus.CANCELLED, cancelled.status());
        assertEquals("operator reset", cancelled.error());
        assertEquals(JobStatus.PROCESSING, jobs.find(theirs.job().id()).orElseThrow().status());
        assertEquals(1, jobs.activeJobs());
        executor.runAll();
        assertEquals(JobStatus.CANCELLED, jobs.find(ours.job().id()).orElseThrow().status(), "final stays final");
        assertEquals(JobStatus.COMPLETED, jobs.find(theirs.job().id()).orElseThrow().status());
    }

    @Test
    void cancellingAFinishedJob_leavesItAsItWas_andAnUnknownOneIsNotFound() {
        ChatJobs jobs = jobs(rig.state, jobStore);
        ChatJobs.Submitted submitted = jobs.submit(conversation, burst);
        executor.runAll();

        Optional<Job> afterCancel = jobs.cancel(submitted.job().id(), "too late");

        assertEquals(JobStatus.COMPLETED, afterCancel.orElseThrow().status());
        assertTrue(jobs.cancel(UUID.randomUUID(), "nobody").isEmpty());
        assertTrue(jobs.find(UUID.randomUUID()).isEmpty());
    }

    @Test
    void aJobStoreThatFailsWhenTheWorkerFinishes_leavesTheJobToBeCompletedWhenRead() {
        // The move to processing is stored; the one to completed is not.
        JobPort flaky = Faults.failingAfter(JobPort.class, jobStore, 1, new StoreUnavailableException("redis down"),
                "update");
        ChatJobs failingUpdates = jobs(rig.state, flaky);
        ChatJobs.Submitted submitted = failingUpdates.submit(conversation, burst);

        executor.runAll();

        assertEquals(JobStatus.PROCESSING, jobStore.find(submitted.job().id()).orElseThrow().status());
        assertEquals(0, failingUpdates.activeJobs());
        Job read = jobs(rig.state, jobStore).find(submitted.job().id()).orElseThrow();
        assertEquals(JobStatus.COMPLETED, read.status());
    }

    @Test
    void aBurstOfAConversationWithPeople_completesItsJobWithNoAnswer() {
        ChatJobs jobs = jobs(rig.state, jobStore);
        rig.arrive(message(conversation, "m0", 0, "earlier"));
        new Handoffs(rig.history, rig.clock, WorkerRig.SETTINGS.handoffIdleTimeout(), LifecycleEvents.NONE)
                .handOff(conversation, "");

        ChatJobs.Submitted submitted = jobs.submit(conversation, burst);
        executor.runAll();

        Job done = jobStore.find(submitted.job().id()).orElseThrow();
        assertEquals(JobStatus.COMPLETED, done.status());
        assertEquals(Optional.empty(), done.reply(), "people answer it, not the bot");
        assertTrue(rig.delivered.isEmpty());
    }

    private ChatJobs jobs(StatePort state, JobPort jobPort) {
        return jobs(rig.locks, state, jobPort);
    }

    private ChatJobs jobs(LockPort locks, StatePort state, JobPort jobPort) {
        HandleMessage messages = new HandleMessage(locks, state, rig.history, rig.worker(WorkerRig::echo),
                executor, rig.scheduler, WorkerRig.SETTINGS, LifecycleEvents.NONE);
        return new ChatJobs(messages::submit, jobPort, rig.history, rig.clock, JOB_TTL);
    }
}

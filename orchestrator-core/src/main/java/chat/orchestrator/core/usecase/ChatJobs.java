package chat.orchestrator.core.usecase;

import chat.orchestrator.core.MessageSubmitter;
import chat.orchestrator.core.domain.AiReply;
import chat.orchestrator.core.domain.ConversationId;
import chat.orchestrator.core.domain.InboundMessage;
import chat.orchestrator.core.domain.MessageId;
import chat.orchestrator.core.domain.MessageOutcome;
import chat.orchestrator.core.domain.Submission;
import chat.orchestrator.core.port.HistoryPort;
import chat.orchestrator.core.port.Job;
import chat.orchestrator.core.port.JobPort;
import chat.orchestrator.core.port.JobStatus;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The asynchronous API's jobs: a request's new messages go through the same path as every other message, and a job
 * record follows them. A job whose messages were answered by another worker (they joined a running burst) is
 * completed from history when read, so its status is right on every instance.
 */
public final class ChatJobs {
    private static final System.Logger LOG = System.getLogger(ChatJobs.class.getName());

    private final MessageSubmitter messages;
    private final JobPort jobs;
    private final HistoryPort history;
    private final Clock clock;
    private final Duration jobTtl;
    /** Jobs whose worker runs in this instance, by conversation: what an admin cancel can reach from here. */
    private final Map<UUID, ConversationId> running = new ConcurrentHashMap<>();

    public ChatJobs(MessageSubmitter messages, JobPort jobs, HistoryPort history, Clock clock, Duration jobTtl) {
        this.messages = messages;
        this.jobs = jobs;
        this.history = history;
        this.clock = clock;
        this.jobTtl = jobTtl;
    }

    /** How a request's messages were taken in. */
    public enum Start {
        /** This request took the lock: its worker is answering. */
        LOCK_ACQUIRED,
        /** Another worker holds the conversation; the messages joined its burst. */
        JOINED_RUNNING_WORK,
        /** Every message had been answered before: the job is already complete. */
        ALREADY_ANSWERED,
        /** The messages could not be recorded; nothing to retry but the request. */
        FAILED
    }

    /** The job created for a request and how its messages were taken in. */
    public record Submitted(Job job, Start start, OptionalLong fencingToken, String failure) {
    }

    public Submitted submit(ConversationId conversationId, List<InboundMessage> burst) {
        List<MessageId> ids = burst.stream().map(InboundMessage::id).toList();
        Job job = Job.queued(conversationId, ids, clock.instant());
        jobs.create(job, jobTtl);
        Start start = Start.ALREADY_ANSWERED;
        OptionalLong token = OptionalLong.empty();
        for (InboundMessage message : burst) {
            Submission submission = messages.submit(message);
            switch (submission) {
                case Submission.Started started -> {
                    start = Start.LOCK_ACQUIRED;
                    token = OptionalLong.of(started.fencingToken());
                    follow(job, started);
                }
                case Submission.Decided(MessageOutcome.Failed failed) -> {
                    Job failedJob = move(job, JobStatus.FAILED, Optional.empty(), failed.reason());
                    return new Submitted(failedJob, Start.FAILED, OptionalLong.empty(), failed.reason());
                }
                case Submission.Decided(MessageOutcome.Duplicate duplicate) -> {
                    // Answered before (a retried request); the job completes from history below.
                }
                case Submission.Decided decided -> {
                    if (start == Start.ALREADY_ANSWERED) {
                        start = Start.JOINED_RUNNING_WORK;
                    }
                }
            }
        }
        if (start == Start.ALREADY_ANSWERED) {
            Job complete = completeFromHistory(job);
            if (complete.status() == JobStatus.COMPLETED) {
                return new Submitted(complete, start, token, "");
            }
            // Seen before but not answered yet: a retried request for messages still in another worker's hands.
            start = Start.JOINED_RUNNING_WORK;
        }
        Job processing = move(job, JobStatus.PROCESSING, Optional.empty(), "");
        return new Submitted(processing, start, token, "");
    }

    /** The job as stored, completed from history first if all its messages have been answered meanwhile. */
    public Optional<Job> find(UUID id) {
        return jobs.find(id).map(job -> job.status().isFinal() ? job : completeFromHistory(job));
    }

    /** Cancels the job unless it already finished; answers the job as stored afterwards. */
    public Optional<Job> cancel(UUID id, String reason) {
        Optional<Job> current = jobs.find(id);
        running.remove(id);
        return current.flatMap(job -> jobs.update(job.moveTo(JobStatus.CANCELLED, Optional.empty(), reason, clock.instant()), jobTtl));
    }

    /** Cancels every job of the conversation that runs in this instance; answers how many. */
    public int cancelRunning(ConversationId conversationId, String reason) {
        List<UUID> ofConversation = running.entrySet().stream()
                .filter(e -> e.getValue().equals(conversationId)).map(Map.Entry::getKey).toList();
        ofConversation.forEach(id -> cancel(id, reason));
        return ofConversation.size();
    }

    /** Jobs whose worker is running in this instance now. */
    public int activeJobs() {
        return running.size();
    }

    private void follow(Job job, Submission.Started started) {
        running.put(job.id(), job.conversationId());
        started.outcome().whenComplete((outcome, error) -> {
            running.remove(job.id());
            try {
                finish(job, outcome);
            } catch (RuntimeException unreachable) {
                // The job stays "processing"; reading it later completes it from history.
                CaughtFailures.report(LOG, unreachable, "job={0} could not be updated", job.id());
            }
        });
    }

    private void finish(Job job, MessageOutcome outcome) {
        switch (outcome) {
            case MessageOutcome.Failed failed -> move(job, JobStatus.FAILED, Optional.empty(), failed.reason());
            // The code leads the error, as the synchronous endpoint's error code says it: the AI needs an operator.
            case MessageOutcome.AiRejected rejected ->
                    move(job, JobStatus.FAILED, Optional.empty(), "ai_rejected: " + rejected.reason());
            case MessageOutcome.Completed completed -> completeFromHistory(job);
            // People have the conversation: its messages are consumed with no answer, so the job completes without one.
            case MessageOutcome.HandedOff handedOff -> completeFromHistory(job);
            // Restarted with newer messages, or handed to another holder: history will say when it is answered.
            default -> { }
        }
    }

    private Job completeFromHistory(Job job) {
        Set<MessageId> answered = history.answeredAmong(job.conversationId(), Set.copyOf(job.messageIds()));
        if (!answered.containsAll(job.messageIds())) {
            return job;
        }
        Optional<AiReply> reply = job.messageIds().isEmpty() ? Optional.empty()
                : history.answerFor(job.conversationId(), job.messageIds().getLast());
        return move(job, JobStatus.COMPLETED, reply, "");
    }

    private Job move(Job job, JobStatus status, Optional<AiReply> reply, String error) {
        return jobs.update(job.moveTo(status, reply, error, clock.instant()), jobTtl).orElse(job);
    }
}

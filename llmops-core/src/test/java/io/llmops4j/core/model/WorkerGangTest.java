package io.llmops4j.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerGangTest {

    /**
     * Every chunk of every loop runs exactly once, over many back-to-back loops of varying size; each chunk names a
     * participant in range, never one that is running another chunk at the time, and participant 0 is the caller.
     */
    @Test
    void eachChunkRunsExactlyOnceOnOneParticipantAtATime() {
        try (WorkerGang gang = new WorkerGang(3, "test-gang")) {
            assertThat(gang.participants()).isEqualTo(3);
            Thread caller = Thread.currentThread();
            AtomicIntegerArray busy = new AtomicIntegerArray(3);
            java.util.List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int loop = 0; loop < 2_000; loop++) {
                int n = 1 + loop % 17;
                AtomicIntegerArray runs = new AtomicIntegerArray(n);
                gang.run(n, (i, who) -> {
                    boolean onCaller = Thread.currentThread() == caller;
                    if (who < 0 || who >= 3 || busy.incrementAndGet(who) != 1 || (who == 0) != onCaller) {
                        violations.add("chunk " + i + " on participant " + who + " in " + Thread.currentThread().getName());
                    }
                    runs.incrementAndGet(i);
                    Thread.onSpinWait();
                    if (who >= 0 && who < 3) {
                        busy.decrementAndGet(who);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertThat(runs.get(i)).as("loop %d chunk %d", loop, i).isEqualTo(1);
                }
            }
            assertThat(violations).isEmpty();
        }
    }

    /** A gang of one (or less) is the caller alone. */
    @Test
    void aGangOfOneRunsEverythingOnTheCaller() {
        try (WorkerGang gang = new WorkerGang(1, "test-gang")) {
            assertThat(gang.participants()).isEqualTo(1);
            java.util.List<Integer> seen = new java.util.ArrayList<>();
            gang.run(5, (i, who) -> seen.add(who));
            assertThat(seen).containsExactly(0, 0, 0, 0, 0);
        }
    }

    /** Workers that parked after an idle spell wake for the next loop and take part in it. */
    @Test
    void parkedWorkersWakeUpAndShareTheWork() throws InterruptedException {
        try (WorkerGang gang = new WorkerGang(2, "test-gang")) {
            Thread.sleep(WorkerGang.SPIN_NANOS / 1_000_000 + 50); // longer than the spin: the worker parks
            java.util.Set<String> threads = ConcurrentHashMap.newKeySet();
            for (int attempt = 0; attempt < 50 && threads.size() < 2; attempt++) {
                gang.run(64, (i, who) -> {
                    threads.add(Thread.currentThread().getName());
                    long until = System.nanoTime() + 200_000;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                });
            }
            assertThat(threads).hasSize(2).anyMatch(name -> name.startsWith("test-gang-"));
        }
    }

    @Test
    void aFailingChunkFailsTheLoopAfterTheOthersFinish() {
        try (WorkerGang gang = new WorkerGang(2, "test-gang")) {
            AtomicIntegerArray runs = new AtomicIntegerArray(8);
            assertThatThrownBy(() -> gang.run(8, (i, who) -> {
                runs.incrementAndGet(i);
                if (i == 5) {
                    throw new IllegalStateException("chunk 5 failed");
                }
            })).isInstanceOf(IllegalStateException.class).hasMessage("chunk 5 failed");
            for (int i = 0; i < 8; i++) {
                assertThat(runs.get(i)).isEqualTo(1);
            }
            AtomicIntegerArray again = new AtomicIntegerArray(4);
            gang.run(4, (i, who) -> again.incrementAndGet(i)); // the gang is still usable
            assertThat(again.get(3)).isEqualTo(1);
        }
    }

    /** Several failing chunks: one failure is thrown and every other one is attached to it, none is lost. */
    @Test
    void everyFailureOfALoopIsReported() {
        try (WorkerGang gang = new WorkerGang(3, "test-gang")) {
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> gang.run(12, (i, who) -> {
                if (i % 3 == 0) {
                    throw new IllegalArgumentException("chunk " + i);
                }
            }));
            assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
            java.util.List<String> messages = new java.util.ArrayList<>();
            messages.add(thrown.getMessage());
            for (Throwable s : thrown.getSuppressed()) {
                messages.add(s.getMessage());
            }
            assertThat(messages).containsExactlyInAnyOrder("chunk 0", "chunk 3", "chunk 6", "chunk 9");
        }
    }

    @Test
    void closeEndsTheWorkerThreads() throws InterruptedException {
        WorkerGang gang = new WorkerGang(3, "closing-gang");
        gang.run(4, (i, who) -> { });
        gang.close();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline && Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("closing-gang-"))) {
            Thread.sleep(10);
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("closing-gang-"));
    }
}

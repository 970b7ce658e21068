package dev.perceptwatch.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The console's CPU bucket on a clock the test moves: a burst at once, then the share's pace. */
class CpuBudgetTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final AtomicLong cpu = new AtomicLong(7_000);

    @Test
    void aBurstIsFreeThenLoadsWaitForTheShare() {
        CpuBudget budget = new CpuBudget(0.1, 500, now::get, cpu::get);
        assertEquals(0, budget.nanosUntilCredit(), "a full bucket");
        budget.charge(500);
        assertEquals(0, budget.nanosUntilCredit(), "the burst is spent, not overdrawn");
        budget.charge(100);
        // 100 ns of debt at 0.1 ns of CPU per ns: 1000 ns to wait.
        assertEquals(1000, budget.nanosUntilCredit());
        now.addAndGet(400);
        assertEquals(600, budget.nanosUntilCredit());
        now.addAndGet(600);
        assertEquals(0, budget.nanosUntilCredit());
    }

    @Test
    void anIdleConsoleSavesNoMoreThanTheBurst() {
        CpuBudget budget = new CpuBudget(0.5, 200, now::get, cpu::get);
        now.addAndGet(1_000_000);
        budget.charge(300);
        assertEquals(200, budget.nanosUntilCredit(), "100 ns of debt after a full bucket of 200, at 0.5");
    }

    @Test
    void aSharedCounterIsChargedOnceForLoadsThatSeeItAtOnce() {
        CpuBudget budget = new CpuBudget(0.1, 0, now::get, cpu::get);
        budget.chargeCounter(50);
        budget.chargeCounter(50);
        budget.chargeCounter(40);
        assertEquals(500, budget.nanosUntilCredit(), "50 ns charged once, at 0.1");
        budget.chargeCounter(70);
        assertEquals(700, budget.nanosUntilCredit(), "then the 20 ns it grew by: 70 ns in all");
    }

    @Test
    void workIsChargedTheCpuTimeItsThreadTookAndNestedWorkOnce() {
        CpuBudget budget = new CpuBudget(0.1, 0, now::get, cpu::get);
        try (CpuBudget.Spending request = budget.spending()) {
            cpu.addAndGet(10);
            try (CpuBudget.Spending load = budget.spending()) {
                cpu.addAndGet(20);
            }
            assertEquals(0, budget.nanosUntilCredit(), "nothing is charged before the request ends");
        }
        // 30 ns of the thread's CPU, charged once, at 0.1 ns of CPU per ns.
        assertEquals(300, budget.nanosUntilCredit());
        try (CpuBudget.Spending next = budget.spending()) {
            cpu.addAndGet(5);
        }
        assertEquals(350, budget.nanosUntilCredit(), "a later request on the thread is charged again");
    }

    @Test
    void aShareMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new CpuBudget(0, 1, now::get, cpu::get));
    }
}

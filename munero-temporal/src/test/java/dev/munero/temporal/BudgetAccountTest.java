package dev.munero.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.munero.temporal.wire.Grant;
import dev.munero.temporal.wire.Reserve;
import org.junit.jupiter.api.Test;

class BudgetAccountTest {
    @Test
    void aCallIsGrantedWhileSpentPlusReservedPlusItsWorstCaseStaysWithinTheBudget() {
        BudgetAccount a = new BudgetAccount(1.0, 0.2);
        assertTrue(a.reserve(new Reserve("7/1/plan/0", 0.5)).granted());
        Grant no = a.reserve(new Reserve("8/1/plan/0", 0.4));
        assertFalse(no.granted());
        assertTrue(no.reason().contains("resume with a total budget of at least $1.11"), no.reason());
        assertEquals(0.3, no.leftUsd(), 1e-9);
        assertEquals(0.1, a.refusedNeededUsd(), 1e-9);
        a.settle("7/1/plan/0", 0.1);
        assertEquals(0.3, a.spentUsd(), 1e-9);
        assertEquals(0, a.reservedUsd(), 1e-9);
        assertTrue(a.reserve(new Reserve("9/1/plan/0", 0.4)).granted());
    }

    @Test
    void reservingTheSameCallAgainGivesTheFirstAnswerAndHoldsNothingMore() {
        BudgetAccount a = new BudgetAccount(1.0, 0);
        Grant first = a.reserve(new Reserve("1/1/task:1:a/0", 0.6));
        assertEquals(first, a.reserve(new Reserve("1/1/task:1:a/0", 0.6)));
        assertEquals(0.6, a.reservedUsd(), 1e-9);
    }

    @Test
    void aLaterAttemptOfTheSameActivityCountsTheEarlierAttemptsOpenReservationsAsSpentAtTheirWorstCase() {
        BudgetAccount a = new BudgetAccount(null, 0);
        a.reserve(new Reserve("5/1/task:1:a/0", 0.3));
        a.reserve(new Reserve("6/1/task:1:b/0", 0.2));
        a.reserve(new Reserve("5/2/task:1:a/0", 0.3));
        assertEquals(0.3, a.spentUsd(), 1e-9, "attempt 1 of activity 5 died with its call open");
        assertEquals(0.5, a.reservedUsd(), 1e-9);
        a.settle("5/1/task:1:a/0", 0.05); // a late settlement still says what it cost
        assertEquals(0.05, a.spentUsd(), 1e-9);
        a.settle("unknown", 9);
        assertEquals(0.05, a.spentUsd(), 1e-9);
    }

    @Test
    void withoutABudgetEveryCallIsGranted() {
        BudgetAccount a = new BudgetAccount(null, 0);
        Grant g = a.reserve(new Reserve("1/1/plan/0", 1e6));
        assertTrue(g.granted());
        assertNull(g.leftUsd());
        assertNull(a.refusal());
    }

    @Test
    void aReservationWithoutCallIdOrWithANegativeWorstCaseIsInvalid() {
        assertTrue(BudgetAccount.invalid(new Reserve(" ", 1)).contains("call id"));
        assertTrue(BudgetAccount.invalid(new Reserve("a/1/b/0", Double.NaN)).contains("finite"));
        assertNull(BudgetAccount.invalid(new Reserve("a/1/b/0", 0)));
    }
}

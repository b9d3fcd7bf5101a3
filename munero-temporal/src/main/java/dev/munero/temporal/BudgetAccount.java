package dev.munero.temporal;

import dev.munero.core.BudgetExceededException;
import dev.munero.temporal.wire.Grant;
import dev.munero.temporal.wire.Reserve;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The budget account of a distributed run, held by its workflow (issue 16.2): the local {@code CostGuard}'s rule
 * applied to the model calls of activities on many machines. A call is granted when what is spent, plus what open
 * reservations hold, plus its worst case stays within the budget; a settlement replaces a reservation's worst case
 * with what the call cost.
 *
 * <p>A reservation is <em>open</em> until settled. A call id is {@code <activity id>/<attempt>/<scope>/<index>}
 * ({@link Reserve#callId()}); when attempt {@code n} of an activity reserves, the still-open reservations of its
 * earlier attempts belong to an attempt that died or timed out: they are <em>lost</em>, counted as spent at their
 * worst case (the provider may have billed them), until a late settlement says what they cost. Reservations still
 * open when the run ends count as spent at their worst case too ({@link #spentUsd()} plus {@link #reservedUsd()}).
 *
 * <p>Amounts are USD. Deterministic (plain maps in insertion order) and not thread-safe: the workflow's code only
 * (Temporal runs a workflow's handlers one at a time).
 */
final class BudgetAccount {
    private enum State { OPEN, LOST, SETTLED }

    private static final class Entry {
        final Grant grant;
        State state;
        double usd;

        Entry(Grant grant, State state, double usd) {
            this.grant = grant;
            this.state = state;
            this.usd = usd;
        }
    }

    private final Double budgetUsd;
    private final double spentBeforeUsd;
    private final Map<String, Entry> calls = new LinkedHashMap<>();
    private final Map<String, Grant> refused = new LinkedHashMap<>();
    private Double refusedNeededUsd;
    private String refusal;

    /**
     * @param budgetUsd      the run's budget, or null for none (every call is granted)
     * @param spentBeforeUsd what the run spent before this workflow
     */
    BudgetAccount(Double budgetUsd, double spentBeforeUsd) {
        this.budgetUsd = budgetUsd;
        this.spentBeforeUsd = spentBeforeUsd;
    }

    /**
     * Reserves a call's worst case, or refuses it when it would take the run past its budget. Asking again for the
     * same call id returns the first answer (an update can be retried by its caller).
     */
    Grant reserve(Reserve request) {
        Entry known = calls.get(request.callId());
        if (known != null) {
            return known.grant;
        }
        Grant before = refused.get(request.callId());
        if (before != null) {
            return before;
        }
        loseEarlierAttempts(request.callId());
        double held = spentUsd() + reservedUsd();
        if (budgetUsd != null && held + request.worstCaseUsd() > budgetUsd + 1e-9) {
            BudgetExceededException e = new BudgetExceededException(held, budgetUsd, request.worstCaseUsd());
            Grant no = new Grant(false, Math.max(0, budgetUsd - held), e.getMessage());
            refused.put(request.callId(), no);
            if (refusal == null) {
                refusal = e.getMessage();
                refusedNeededUsd = e.neededUsd();
            }
            return no;
        }
        Grant yes = new Grant(true, budgetUsd == null ? null : budgetUsd - held - request.worstCaseUsd(), null);
        calls.put(request.callId(), new Entry(yes, State.OPEN, request.worstCaseUsd()));
        return yes;
    }

    /** Replaces a reservation's worst case with the call's cost; unknown or already settled ids are ignored. */
    void settle(String callId, double usd) {
        Entry e = calls.get(callId);
        if (e == null || e.state == State.SETTLED) {
            return;
        }
        e.state = State.SETTLED;
        e.usd = usd;
    }

    /** Spent before this workflow, plus settled calls, plus lost reservations at their worst case. USD. */
    double spentUsd() {
        double sum = spentBeforeUsd;
        for (Entry e : calls.values()) {
            if (e.state != State.OPEN) {
                sum += e.usd;
            }
        }
        return sum;
    }

    /** What open reservations hold, at their worst case. USD. */
    double reservedUsd() {
        double sum = 0;
        for (Entry e : calls.values()) {
            if (e.state == State.OPEN) {
                sum += e.usd;
            }
        }
        return sum;
    }

    /** The first refusal's message (what the call needed, what is spent, the budget), or null when none. */
    String refusal() {
        return refusal;
    }

    /** How much more budget the first refused call needed, USD, or null when none was refused. */
    Double refusedNeededUsd() {
        return refusedNeededUsd;
    }

    /** The run's budget, USD, or null. */
    Double budgetUsd() {
        return budgetUsd;
    }

    /** Checks a reservation request before it is handled; null when valid, else what is wrong. */
    static String invalid(Reserve request) {
        if (request == null || request.callId() == null || request.callId().isBlank()) {
            return "a reservation needs a call id (<activity id>/<attempt>/<scope>/<index>)";
        }
        if (!Double.isFinite(request.worstCaseUsd()) || request.worstCaseUsd() < 0) {
            return "reservation " + request.callId() + " has worst case " + request.worstCaseUsd()
                    + " USD; it must be a finite amount of 0 or more";
        }
        return null;
    }

    /** Marks the open reservations of the same activity's earlier attempts as lost. */
    private void loseEarlierAttempts(String callId) {
        String[] parts = callId.split("/", 3);
        if (parts.length < 3) {
            return;
        }
        int attempt;
        try {
            attempt = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            return;
        }
        for (Map.Entry<String, Entry> c : calls.entrySet()) {
            String[] other = c.getKey().split("/", 3);
            if (other.length == 3 && other[0].equals(parts[0]) && c.getValue().state == State.OPEN) {
                try {
                    if (Integer.parseInt(other[1]) < attempt) {
                        c.getValue().state = State.LOST;
                    }
                } catch (NumberFormatException ignored) {
                    // not an attempt number: not a call of this activity's scheme
                }
            }
        }
    }
}

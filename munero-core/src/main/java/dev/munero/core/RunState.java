package dev.munero.core;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of a {@code munero run} and the transitions between them:
 * <pre>
 * Initializing → ConfiguringMCP → PreparingBuild → Building ⇄ Paused
 *                                                  Building → Completing → Completed
 *                                                  Building → Failed
 * Completed | Failed → Paused   (munero rollback reopens an ended run)
 * </pre>
 * Any state but the two final ones ({@link #COMPLETED}, {@link #FAILED}) may also go to {@link #FAILED} (a crash
 * report, a configuration error) or to {@link #PAUSED} (budget or timeout reached, {@code munero pause}); a paused
 * run resumes into {@link #BUILDING}. {@link #COMPLETING} lasts while the run records its completion: a run killed
 * there is finished by its next session. A final state is left only by {@code munero rollback}, which reopens the
 * run as {@link #PAUSED}. In {@link #CONFIGURING_MCP} a new run starts the MCP servers of its agents (issue 13);
 * every run passes through it, with or without servers.
 */
public enum RunState {
    INITIALIZING("Initializing"),
    CONFIGURING_MCP("ConfiguringMCP"),
    PREPARING_BUILD("PreparingBuild"),
    BUILDING("Building"),
    PAUSED("Paused"),
    COMPLETING("Completing"),
    COMPLETED("Completed"),
    FAILED("Failed");

    private final String label;

    RunState(String label) {
        this.label = label;
    }

    /** The name stored and shown, e.g. {@code ConfiguringMCP}. */
    public String label() {
        return label;
    }

    /** Whether the run has ended: no session continues it (only a rollback reopens it). */
    public boolean isFinal() {
        return this == COMPLETED || this == FAILED;
    }

    /** The states this one may move to. */
    public Set<RunState> next() {
        return switch (this) {
            case INITIALIZING -> EnumSet.of(CONFIGURING_MCP, PAUSED, FAILED);
            case CONFIGURING_MCP -> EnumSet.of(PREPARING_BUILD, PAUSED, FAILED);
            case PREPARING_BUILD -> EnumSet.of(BUILDING, PAUSED, FAILED);
            case BUILDING -> EnumSet.of(PAUSED, COMPLETING, FAILED);
            case PAUSED -> EnumSet.of(BUILDING, FAILED);
            case COMPLETING -> EnumSet.of(COMPLETED, PAUSED, FAILED);
            case COMPLETED, FAILED -> EnumSet.of(PAUSED);
        };
    }

    /**
     * Checks a transition.
     *
     * @throws IllegalStateException naming both states and the allowed ones when {@code to} is not allowed
     */
    public RunState moveTo(RunState to) {
        if (!next().contains(to)) {
            throw new IllegalStateException("a run cannot go from " + label + " to " + to.label
                    + (isFinal() ? " (" + label + " is final; only munero rollback reopens it, as Paused)"
                    : "; from " + label + " it can go to " + next().stream().map(RunState::label).toList()));
        }
        return to;
    }

    /**
     * The state with this label.
     *
     * @throws IllegalArgumentException for an unknown label (a store written by a newer Munero)
     */
    public static RunState ofLabel(String label) {
        for (RunState state : values()) {
            if (state.label.equals(label)) {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown run state '" + label + "'");
    }
}

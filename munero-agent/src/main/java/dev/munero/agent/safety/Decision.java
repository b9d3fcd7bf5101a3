package dev.munero.agent.safety;

import java.util.Objects;

/**
 * Whether an action may run: {@link Allow}, {@link Ask} the user first, or {@link Deny}. Every decision carries a
 * reason in words the model (and the user) can read, e.g. "denied by policy: git push is never allowed".
 */
public sealed interface Decision {

    /** Why, for the model and the user. */
    String reason();

    /** Runs without asking. */
    record Allow(String reason) implements Decision {
        public Allow {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Runs only when the user approves. */
    record Ask(String reason) implements Decision {
        public Ask {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Does not run; the reason goes back to the model as an error result. */
    record Deny(String reason) implements Decision {
        public Deny {
            Objects.requireNonNull(reason, "reason");
        }
    }

    static Decision allow(String reason) {
        return new Allow(reason);
    }

    static Decision ask(String reason) {
        return new Ask(reason);
    }

    static Decision deny(String reason) {
        return new Deny(reason);
    }
}

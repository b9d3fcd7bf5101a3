package calc;

/** A calculator with a bug for the agent to find. */
public final class Calc {
    private Calc() {
    }

    public static int add(int a, int b) {
        return a - b;
    }

    public static int multiply(int a, int b) {
        return a * b;
    }
}

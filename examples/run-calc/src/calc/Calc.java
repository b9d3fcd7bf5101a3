package calc;

/** A tiny calculator: the bundled example of munero run. */
public final class Calc {
    private Calc() {
    }

    public static int add(int a, int b) {
        return a - b;
    }
}

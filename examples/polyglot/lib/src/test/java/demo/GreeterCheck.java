package demo;

/** A dependency-free test: exits 1 on the first failed check. */
public final class GreeterCheck {
    private GreeterCheck() {
    }

    public static void main(String[] args) {
        check(Greeter.greet("Ada"), "Hello, Ada!");
        check(Greeter.greet("  Linus "), "Hello, Linus!");
        check(Greeter.greet(""), "Hello, world!");
        System.out.println("GreeterCheck: 3 checks passed");
    }

    private static void check(String actual, String expected) {
        if (!actual.equals(expected)) {
            System.out.println("FAILED: expected '" + expected + "' but got '" + actual + "'");
            System.exit(1);
        }
    }
}

package calc;

/** The acceptance check: exits 1 and says what is wrong when Calc misbehaves. */
public final class CalcCheck {
    private CalcCheck() {
    }

    public static void main(String[] args) {
        int failures = 0;
        failures += check("add(2, 3)", Calc.add(2, 3), 5);
        failures += check("multiply(4, 5)", Calc.multiply(4, 5), 20);
        if (failures > 0) {
            System.out.println(failures + " check(s) failed");
            System.exit(1);
        }
        System.out.println("all checks passed");
    }

    private static int check(String what, int actual, int expected) {
        if (actual == expected) {
            System.out.println("ok     " + what + " = " + actual);
            return 0;
        }
        System.out.println("FAILED " + what + " should be " + expected + " but was " + actual);
        return 1;
    }
}

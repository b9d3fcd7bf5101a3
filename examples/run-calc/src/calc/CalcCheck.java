package calc;

/** The acceptance check of SPEC.md: exits 1 and prints FAILED lines when Calc is wrong. */
public final class CalcCheck {
    private CalcCheck() {
    }

    public static void main(String[] args) {
        int failures = 0;
        int sum = Calc.add(2, 3);
        if (sum != 5) {
            System.out.println("FAILED: add(2, 3) should be 5 but was " + sum);
            failures++;
        }
        int product = Calc.multiply(3, 4);
        if (product != 12) {
            System.out.println("FAILED: multiply(3, 4) should be 12 but was " + product);
            failures++;
        }
        if (failures > 0) {
            System.exit(1);
        }
        System.out.println("all checks passed");
    }
}

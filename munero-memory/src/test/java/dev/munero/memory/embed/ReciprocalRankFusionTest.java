package dev.munero.memory.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReciprocalRankFusionTest {

    @Test
    void anItemHighInBothRankingsBeatsOneThatTopsOnlyOne() {
        var fused = ReciprocalRankFusion.fuse(List.of(List.of("a", "b", "c"), List.of("b", "d", "a")));

        assertThat(fused).extracting(Map.Entry::getKey).containsExactly("b", "a", "d", "c");
        assertThat(fused.getFirst().getValue()).isEqualTo(1.0 / 62 + 1.0 / 61);
    }

    @Test
    void equalScoresKeepTheOrderOfFirstAppearance() {
        var fused = ReciprocalRankFusion.fuse(List.of(List.of("x"), List.of("y")));
        assertThat(fused).extracting(Map.Entry::getKey).containsExactly("x", "y");
    }

    @Test
    void vectorsRoundTripThroughTheirLittleEndianBlobAndCosineIsScaleFree() {
        float[] v = {1.5f, -2f, 0f, 3.25f};
        byte[] blob = Vectors.toBlob(v);

        assertThat(blob).hasSize(16);
        assertThat(blob[0]).isEqualTo((byte) 0x00); // 1.5f = 0x3FC00000, least significant byte first
        assertThat(blob[3]).isEqualTo((byte) 0x3F);
        assertThat(Vectors.fromBlob(blob)).containsExactly(v);
        assertThat(Vectors.cosine(v, new float[] {3f, -4f, 0f, 6.5f})).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Vectors.cosine(v, new float[4])).isZero();
        assertThatThrownBy(() -> Vectors.cosine(v, new float[3])).isInstanceOf(IllegalArgumentException.class);
    }
}

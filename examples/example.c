/* example.c: the example from the top of c1d.h, built against the installed
 * library by tests/install_test.sh (meson install + pkg-config). */
#include <c1d.h>
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    // Keras: Conv1D(filters=4, kernel_size=3, padding="same", activation="relu")
    c1d_config cfg = c1d_config_default(4, 3);
    cfg.padding = C1D_PADDING_SAME;
    cfg.activation = C1D_ACTIVATION_RELU;

    c1d_conv *conv = NULL;
    if (c1d_conv_create(&cfg, 2, &conv) != C1D_OK) {   // 2 input channels
        fprintf(stderr, "%s\n", c1d_last_error());
        return 1;
    }
    float kernel[3 * 2 * 4];                  // (kernel_size, channels, filters)
    for (int i = 0; i < 3 * 2 * 4; i++) kernel[i] = (float)(i % 5) - 2.0f;
    float bias[4] = {0.5f, -0.5f, 0.0f, 1.0f};
    c1d_conv_set_kernel(conv, kernel, 3, 2, 4);
    c1d_conv_set_bias(conv, bias, 4);

    float input[1 * 8 * 2];                   // (batch=1, steps=8, channels=2)
    for (int i = 0; i < 16; i++) input[i] = (float)i / 16.0f;
    size_t shape[3];
    c1d_conv_output_shape(conv, 1, 8, shape); // {1, 8, 4}
    float *output = malloc(shape[0] * shape[1] * shape[2] * sizeof(float));

    // NULL workspace: the call allocates (and frees) what it needs.
    if (c1d_conv_forward(conv, 1, 8, input, output, NULL, 0) != C1D_OK)
        fprintf(stderr, "%s\n", c1d_last_error());
    else
        printf("y[0,0,:] = %g %g %g %g\n", output[0], output[1], output[2], output[3]);
    free(output);
    c1d_conv_destroy(conv);
    return 0;
}

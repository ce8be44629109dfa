#pragma once
#include <vips/vips.h>

// libvips operations take optional arguments as a NULL-terminated variadic list, which Swift cannot call: one typed
// door per operation and option set we use. Each returns 0 on success, -1 with the message in vips_error_buffer().

// Loads from memory; pixels are decoded only when first needed, so the header (size, bands) costs nothing.
// Random access (the default): the HEIF loader seeks, and the page is read several times anyway.
static inline VipsImage *CVips_new_from_buffer(const void *buffer, size_t length) {
    // fail_on=truncated: a cut-off upload is an error, not an image with a grey bottom half.
    return vips_image_new_from_buffer(buffer, length, "", "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
}
// Rotates/flips by the EXIF orientation tag and removes the tag.
static inline int CVips_autorot(VipsImage *in, VipsImage **out) { return vips_autorot(in, out, NULL); }
// Decodes with shrink-on-load where the format allows it (JPEG, WebP, HEIF), fitting width x height.
static inline int CVips_thumbnail_buffer(void *buffer, size_t length, VipsImage **out, int width, int height) {
    return vips_thumbnail_buffer(buffer, length, out, width, "height", height, "size", VIPS_SIZE_DOWN, NULL);
}
// The same, refusing truncated data (fail_on=truncated, handed to the loader through its option string). Used for
// every format the service reads: the JPEG, PNG, WebP and HEIF loaders all accept it (the fixtures cover each).
static inline int CVips_thumbnail_buffer_strict(void *buffer, size_t length, VipsImage **out, int width, int height) {
    return vips_thumbnail_buffer(buffer, length, out, width, "height", height, "size", VIPS_SIZE_DOWN,
                                 "option_string", "fail_on=truncated", NULL);
}
// Alpha composited over white (a transparent PNG menu is dark text on nothing).
static inline int CVips_flatten_white(VipsImage *in, VipsImage **out) {
    VipsArrayDouble *white = vips_array_double_newv(1, 255.0);
    int result = vips_flatten(in, out, "background", white, NULL);
    vips_area_unref(VIPS_AREA(white));
    return result;
}
static inline int CVips_colourspace_bw(VipsImage *in, VipsImage **out) {
    return vips_colourspace(in, out, VIPS_INTERPRETATION_B_W, NULL);
}
static inline int CVips_colourspace_srgb(VipsImage *in, VipsImage **out) {
    return vips_colourspace(in, out, VIPS_INTERPRETATION_sRGB, NULL);
}
// The first n bands (colour without alpha).
static inline int CVips_extract_bands(VipsImage *in, VipsImage **out, int n) {
    return vips_extract_band(in, out, 0, "n", n, NULL);
}
static inline int CVips_extract_first_band(VipsImage *in, VipsImage **out) {
    return vips_extract_band(in, out, 0, "n", 1, NULL);
}
static inline int CVips_resize(VipsImage *in, VipsImage **out, double scale) {
    return vips_resize(in, out, scale, NULL);
}
static inline int CVips_gaussblur(VipsImage *in, VipsImage **out, double sigma) {
    return vips_gaussblur(in, out, sigma, "precision", VIPS_PRECISION_APPROXIMATE, NULL);
}
static inline int CVips_divide(VipsImage *left, VipsImage *right, VipsImage **out) {
    return vips_divide(left, right, out, NULL);
}
static inline int CVips_linear1(VipsImage *in, VipsImage **out, double a, double b) {
    return vips_linear1(in, out, a, b, "uchar", TRUE, NULL);
}
// Unsharp mask on the L channel (or the only band): crisper stroke edges for blurred photos.
static inline int CVips_sharpen(VipsImage *in, VipsImage **out, double sigma) {
    return vips_sharpen(in, out, "sigma", sigma, NULL);
}
// size x size median: removes speckle noise, keeps strokes wider than size / 2.
static inline int CVips_median(VipsImage *in, VipsImage **out, int size) { return vips_median(in, out, size, NULL); }
static inline int CVips_invert(VipsImage *in, VipsImage **out) { return vips_invert(in, out, NULL); }
static inline int CVips_avg(VipsImage *in, double *out) { return vips_avg(in, out, NULL); }
// The value below which `percent` % of the pixels fall.
static inline int CVips_percent(VipsImage *in, double percent, int *threshold) {
    return vips_percent(in, percent, threshold, NULL);
}
static inline int CVips_cast_uchar(VipsImage *in, VipsImage **out) { return vips_cast_uchar(in, out, NULL); }
static inline int CVips_jpegsave_buffer(VipsImage *in, void **buffer, size_t *length, int quality) {
    return vips_jpegsave_buffer(in, buffer, length, "Q", quality, "strip", TRUE, NULL);
}
// One page of a PDF (poppler, libvips' pdfload module) rendered at `dpi`; 0-based page. The header alone (size,
// n-pages) costs nothing until pixels are read.
static inline int CVips_pdfload_buffer(void *buffer, size_t length, VipsImage **out, int page, double dpi) {
    return vips_pdfload_buffer(buffer, length, out, "page", page, "n", 1, "dpi", dpi, NULL);
}
// The "n-pages" metadata of a multi-page image (PDF), or 1 when there is none.
static inline int CVips_page_count(VipsImage *image) { return vips_image_get_n_pages(image); }
// VIPS_INIT is a macro; this is the function it calls.
static inline int CVips_init(const char *program) { return vips_init(program); }

#ifndef GM_CCURL_SHIM_H
#define GM_CCURL_SHIM_H
#include <curl/curl.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call:
   one typed entry point per argument kind instead. */
typedef size_t (*gm_curl_data_callback)(char *data, size_t size, size_t count, void *userdata);

static inline CURLcode gm_curl_setopt_long(CURL *curl, CURLoption option, long value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode gm_curl_setopt_string(CURL *curl, CURLoption option, const char *value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode gm_curl_setopt_pointer(CURL *curl, CURLoption option, void *value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode gm_curl_setopt_slist(CURL *curl, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode gm_curl_setopt_offset(CURL *curl, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode gm_curl_setopt_callback(CURL *curl, CURLoption option, gm_curl_data_callback value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode gm_curl_getinfo_long(CURL *curl, CURLINFO info, long *value) {
    return curl_easy_getinfo(curl, info, value);
}
/* Progress callback (CURLOPT_XFERINFOFUNCTION): returning non-zero aborts the transfer, which is
   how a cancelled Swift task stops a request that is already running. */
typedef int (*gm_curl_xferinfo_callback)(void *userdata, curl_off_t dltotal, curl_off_t dlnow,
                                         curl_off_t ultotal, curl_off_t ulnow);
static inline CURLcode gm_curl_setopt_xferinfo(CURL *curl, gm_curl_xferinfo_callback value) {
    return curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, value);
}
#endif

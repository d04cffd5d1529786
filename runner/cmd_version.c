/* runner/cmd_version.c -- `coursectl version` / `coursectl --version`.
 * Prints the version and the versions of the libraries linked in, for bug reports. */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <yaml.h>

#include "cmd.h"
#include "exitcode.h"
#include "msg.h"
#include "version.h"

int cmd_version(int argc, char **argv)
{
	curl_version_info_data *cv;
	char pcre[32] = "";

	if (argc > 1) {
		if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
			printf("usage: coursectl version\n\nPrints the version of coursectl and of the libraries it uses.\n");
			return EXIT_OK;
		}
		errorf("usage: coursectl version");
		return EXIT_USAGE;
	}
	cv = curl_version_info(CURLVERSION_NOW);
	pcre2_config(PCRE2_CONFIG_VERSION, pcre);
	printf("coursectl %s\n", COURSECTL_VERSION);
	printf("libcurl %s (%s), cJSON %s, libyaml %s, PCRE2 %s\n", cv->version,
	       cv->ssl_version ? cv->ssl_version : "no TLS", cJSON_Version(), yaml_get_version_string(), pcre);
	return EXIT_OK;
}

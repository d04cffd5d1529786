/* include/version.h -- the one place the version lives. */
#ifndef COURSECTL_VERSION_H
#define COURSECTL_VERSION_H

#define COURSECTL_VERSION "0.3.0"

#endif

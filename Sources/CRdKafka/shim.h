#ifndef SPENDTOP_CRDKAFKA_SHIM_H
#define SPENDTOP_CRDKAFKA_SHIM_H

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#endif

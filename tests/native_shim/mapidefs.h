#include "mapishim.h"

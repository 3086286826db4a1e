#include "drivers/pipewire/pod.h"

#include <charconv>
#include <cstring>

#include <spa/param/audio/format-utils.h>
#include <spa/param/audio/raw-types.h>
#include <spa/param/props.h>
#include <spa/pod/builder.h>
#include <spa/pod/iter.h>

namespace rocd::drivers::pw {

namespace {

std::optional<std::uint32_t> first_int(const spa_pod* value) {
    std::uint32_t n = 0, choice = 0;
    const spa_pod* v = spa_pod_get_values(value, &n, &choice);
    if (n == 0 || v->type != SPA_TYPE_Int) {
        return std::nullopt;
    }
    const auto x = SPA_POD_VALUE(struct spa_pod_int, v);
    return x > 0 ? std::optional<std::uint32_t>(static_cast<std::uint32_t>(x)) : std::nullopt;
}

} // namespace

std::optional<FormatFacts> parse_format(const spa_pod* param) {
    if (param == nullptr || !spa_pod_is_object(param)) {
        return std::nullopt;
    }
    std::uint32_t media_type = 0, media_subtype = 0;
    if (spa_format_parse(param, &media_type, &media_subtype) < 0 || media_type != SPA_MEDIA_TYPE_audio ||
        media_subtype != SPA_MEDIA_SUBTYPE_raw) {
        return std::nullopt;
    }
    FormatFacts f;
    const auto* obj = reinterpret_cast<const spa_pod_object*>(param);
    const spa_pod_prop* prop;
    SPA_POD_OBJECT_FOREACH(obj, prop) {
        switch (prop->key) {
        case SPA_FORMAT_AUDIO_rate:
            f.rate = first_int(&prop->value).value_or(0);
            break;
        case SPA_FORMAT_AUDIO_channels:
            f.channels = first_int(&prop->value).value_or(0);
            break;
        case SPA_FORMAT_AUDIO_position: {
            std::uint32_t ids[SPA_AUDIO_MAX_CHANNELS];
            const std::uint32_t n =
                spa_pod_copy_array(&prop->value, SPA_TYPE_Id, ids, SPA_AUDIO_MAX_CHANNELS);
            for (std::uint32_t i = 0; i < n; ++i) {
                f.positions.push_back(position_name(ids[i]));
            }
            break;
        }
        default:
            break;
        }
    }
    return f;
}

PropsFacts parse_props(const spa_pod* param) {
    PropsFacts p;
    if (param == nullptr || !spa_pod_is_object(param)) {
        return p;
    }
    const auto* obj = reinterpret_cast<const spa_pod_object*>(param);
    const spa_pod_prop* prop;
    SPA_POD_OBJECT_FOREACH(obj, prop) {
        if (prop->key == SPA_PROP_channelVolumes) {
            float v[SPA_AUDIO_MAX_CHANNELS];
            const std::uint32_t n =
                spa_pod_copy_array(&prop->value, SPA_TYPE_Float, v, SPA_AUDIO_MAX_CHANNELS);
            if (n > 0) {
                float sum = 0;
                for (std::uint32_t i = 0; i < n; ++i) {
                    sum += v[i];
                }
                p.volume = sum / static_cast<float>(n);
            }
        } else if (prop->key == SPA_PROP_mute) {
            bool m = false;
            if (spa_pod_get_bool(&prop->value, &m) >= 0) {
                p.mute = m;
            }
        }
    }
    return p;
}

const spa_pod* build_props(spa_pod_builder* b, std::uint32_t channels, std::optional<float> volume,
                           std::optional<bool> mute) {
    spa_pod_frame f;
    spa_pod_builder_push_object(b, &f, SPA_TYPE_OBJECT_Props, SPA_PARAM_Props);
    if (volume) {
        float v[SPA_AUDIO_MAX_CHANNELS];
        channels = std::max<std::uint32_t>(1, std::min<std::uint32_t>(channels, SPA_AUDIO_MAX_CHANNELS));
        for (std::uint32_t i = 0; i < channels; ++i) {
            v[i] = *volume;
        }
        spa_pod_builder_prop(b, SPA_PROP_channelVolumes, 0);
        spa_pod_builder_array(b, sizeof(float), SPA_TYPE_Float, channels, v);
    }
    if (mute) {
        spa_pod_builder_prop(b, SPA_PROP_mute, 0);
        spa_pod_builder_bool(b, *mute);
    }
    return static_cast<const spa_pod*>(spa_pod_builder_pop(b, &f));
}

const spa_pod* build_f32_format(spa_pod_builder* b, std::uint32_t rate, std::uint32_t channels,
                                const std::vector<std::string>& positions) {
    spa_audio_info_raw info;
    std::memset(&info, 0, sizeof info);
    info.format = SPA_AUDIO_FORMAT_F32;
    info.rate = rate;
    info.channels = std::min<std::uint32_t>(channels, SPA_AUDIO_MAX_CHANNELS);
    auto names = positions.size() == info.channels ? positions : default_positions(info.channels);
    for (std::uint32_t i = 0; i < info.channels; ++i) {
        info.position[i] = position_id(names[i]);
    }
    return spa_format_audio_raw_build(b, SPA_PARAM_EnumFormat, &info);
}

std::string position_name(std::uint32_t id) {
    if (id >= SPA_AUDIO_CHANNEL_AUX0 && id < SPA_AUDIO_CHANNEL_AUX0 + 64) {
        return "AUX" + std::to_string(id - SPA_AUDIO_CHANNEL_AUX0);
    }
    for (const spa_type_info* t = spa_type_audio_channel; t->name != nullptr; ++t) {
        if (t->type == id) {
            const char* colon = std::strrchr(t->name, ':');
            return colon ? colon + 1 : t->name;
        }
    }
    return "UNK";
}

std::uint32_t position_id(const std::string& name) {
    if (name.rfind("AUX", 0) == 0 && name.size() > 3) {
        std::uint32_t n = 0;
        const auto [end, ec] = std::from_chars(name.data() + 3, name.data() + name.size(), n);
        if (ec == std::errc() && end == name.data() + name.size() && n < 64) {
            return SPA_AUDIO_CHANNEL_AUX0 + n;
        }
        return SPA_AUDIO_CHANNEL_UNKNOWN;
    }
    for (const spa_type_info* t = spa_type_audio_channel; t->name != nullptr; ++t) {
        const char* colon = std::strrchr(t->name, ':');
        if (name == (colon ? colon + 1 : t->name)) {
            return t->type;
        }
    }
    return SPA_AUDIO_CHANNEL_UNKNOWN;
}

std::vector<std::string> default_positions(std::uint32_t channels) {
    switch (channels) {
    case 1:
        return {"MONO"};
    case 2:
        return {"FL", "FR"};
    case 4:
        return {"FL", "FR", "RL", "RR"};
    case 6:
        return {"FL", "FR", "FC", "LFE", "RL", "RR"};
    case 8:
        return {"FL", "FR", "FC", "LFE", "RL", "RR", "SL", "SR"};
    default: {
        std::vector<std::string> out;
        for (std::uint32_t i = 0; i < channels; ++i) {
            out.push_back("AUX" + std::to_string(i));
        }
        return out;
    }
    }
}

} // namespace rocd::drivers::pw

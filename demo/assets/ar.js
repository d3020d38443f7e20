// The shop's widget in Arabic. The layout mirrors by itself from dir="rtl"; only the words are given here.
const chat = document.querySelector('support-chat');
const arabicCount = count => (count === 1 ? 'رسالة واحدة غير مقروءة' : count === 2 ? 'رسالتان غير مقروءتين' : `${count} رسائل غير مقروءة`);

chat.strings = {
  send: 'إرسال',
  open: 'افتح محادثة الدعم',
  close: 'أغلق المحادثة',
  retry: 'أعد المحاولة',
  sending: 'جارٍ الإرسال…',
  failed: 'لم تُرسَل',
  you: 'أنت',
  empty: 'اسألنا عن أي شيء. نجيب عادةً خلال دقائق.',
  status: { connected: 'متصل', connecting: 'جارٍ الاتصال…', reconnecting: 'جارٍ إعادة الاتصال…', disconnected: 'غير متصل' },
  unread: arabicCount,
  reconnecting: 'جارٍ إعادة الاتصال… ستظهر الرسائل المرسلة في الأثناء عند عودة الاتصال.',
  offline: 'أنت غير متصل بالإنترنت. ستظهر الرسائل الجديدة عند عودة الاتصال.',
  unreachable: 'تعذّر الوصول إلى خادم الدعم. نحاول مجددًا…',
  newMessages: 'رسائل جديدة ↓',
  typing: names => `${names.join('، ')} يكتب…`,
  cooldown: seconds => `ترسل الرسائل بسرعة كبيرة. يمكنك الإرسال مجددًا بعد ${seconds} ث.`,
  sendOffline: 'أنت غير متصل. يبقى نصك هنا ويمكنك إرساله عند عودة الاتصال.',
  timeout: duration => `لم يرد الخادم خلال ${duration}.`,
  tooLong: max => `يمكن أن تحتوي الرسالة على ${max.toLocaleString('ar')} حرف على الأكثر.`,
  noConversation: 'لا توجد محادثة للإرسال إليها بعد.',
  serverAnswered: status => `أجاب الخادم بالرمز ${status}.`,
  noTokenSource: 'لا يمكن لهذه المحادثة تسجيل الدخول: لم تمنحها الصفحة مزوّد رموز ولا عنوان رموز.',
  failedUnreachable: 'تعذّر الوصول إلى خادم الدعم. اضغط «أعد المحاولة» لإرسالها مجددًا.',
  failedOffline: 'أنت غير متصل بالإنترنت. اضغط «أعد المحاولة» لإرسالها عند عودة الاتصال.',
  failedTimeout: duration => `لا رد خلال ${duration}؛ ربما تصل مع ذلك. «أعد المحاولة» لن ترسلها مرتين.`,
  signInFailed: 'لا يمكن لهذه المحادثة تسجيل الدخول الآن.',
};
